/**
 * The live dashboard in a real headless browser, against a running gateway and the simulated
 * upstreams: with keys on it asks for one, then shows the deployments, an open breaker, a
 * fallback, request counts and a recent decision's reason, and updates itself when more traffic
 * arrives. Its screenshot goes to test-output/dashboard.png (and, with
 * JUNCTION_UPDATE_SCREENSHOT=1, to docs/dashboard.png for the README).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/access/keys';
import { launchBrowser, SKIP_BROWSER, type TestBrowser } from '../support/browser';
import { startHarness, type Harness } from '../support/harness';

const OUTPUT = resolve(__dirname, '../../test-output');
const DOCS_SCREENSHOT = resolve(__dirname, '../../docs/dashboard.png');
const caller = generateKey();
const viewer = generateKey();
const chatOnly = generateKey();
const hello = [{ role: 'user', content: 'hello' }];

let harness: Harness;
/** Junction's clock runs ahead of the real one by this much: each round of traffic lands in a later 10 s bucket, as over minutes of real use. */
let ahead = 0;
/** Requests sent so far, and how many of them the failing route refused. */
let sent = 0;
let refused = 0;

beforeAll(async () => {
  harness = await startHarness({
    auth: {
      mode: 'keys',
      teams: { research: { name: 'Research', budgets: [{ usd: 50, period: 'month' }] } },
      keys: [
        { id: 'app', name: 'notebooks app', hash: caller.hash, team: 'research', budgets: [{ usd: 0.05, period: 'day' }] },
        { id: 'viewer', hash: viewer.hash, scopes: ['routing:read'] },
        { id: 'chat-only', hash: chatOnly.hash, scopes: ['chat'] },
      ],
    },
    deployments: {
      flaky: { provider: 'sim-openai', model: 'flaky-model', pricing: { input: 1, output: 2 }, contextWindow: 8_000, capabilities: ['chat', 'streaming'] },
      broken: { provider: 'sim-anthropic', model: 'broken-model', pricing: { input: 1, output: 2 }, contextWindow: 8_000, capabilities: ['chat', 'streaming'] },
    },
    routes: {
      // The primary always fails: the first two requests trip its breaker, and every one is answered by the secondary tier.
      assistant: { deployments: ['flaky'], secondary: ['openai-mini'], retry: { attempts: 0 }, breaker: { consecutiveFailures: 2, cooldownMs: 600_000 } },
      // Nothing to fall back to: its requests fail (a 502, then 503s once the breaker opens).
      lonely: { deployments: ['broken'], retry: { attempts: 0 }, breaker: { consecutiveFailures: 1, cooldownMs: 600_000 } },
    },
    // The SLA monitor judges from a few requests and soon, so its alerts show within the test.
    sla: { minimumRequests: 2, evaluateEveryMs: 200 },
    now: () => Date.now() + ahead,
  });
  harness.simulator.setBehaviour('flaky-model', { errorRates: { '500': 1 } });
  harness.simulator.setBehaviour('broken-model', { errorRates: { '500': 1 } });
});

afterAll(async () => {
  await harness?.close();
});

async function chat(model: string, stream = false): Promise<number> {
  const response = await fetch(`${harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${caller.key}` },
    body: JSON.stringify({ model, messages: hello, stream }),
  });
  await response.arrayBuffer();
  return response.status;
}

let rounds = 0;

/** Rounds of traffic, 10 s apart on Junction's clock; every third round also asks the failing route. */
async function traffic(count: number): Promise<void> {
  for (let round = 0; round < count; round += 1) {
    ahead += 10_000;
    rounds += 1;
    expect(await chat('to-openai')).toBe(200);
    expect(await chat('to-anthropic', true)).toBe(200);
    expect(await chat('assistant')).toBe(200);
    sent += 3;
    if (rounds % 3 === 1) {
      expect(await chat('lonely')).toBeGreaterThanOrEqual(500);
      sent += 1;
      refused += 1;
    }
  }
}

async function data(key: string) {
  const response = await fetch(`${harness.url}/dashboard/data`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as { totals: { requests: number }; decisions: Array<{ route: string; reason?: string; fallbackTier?: string }> };
}

describe('GET /dashboard/data', () => {
  it('needs the routing:read scope when keys are on; the page itself holds no data and is served to anyone', async () => {
    expect((await fetch(`${harness.url}/dashboard/data`)).status).toBe(401);
    expect((await fetch(`${harness.url}/dashboard/data`, { headers: { authorization: `Bearer ${chatOnly.key}` } })).status).toBe(403);
    await data(viewer.key);
    const page = await fetch(`${harness.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<title>Junction');
  });
});

describe.skipIf(SKIP_BROWSER)('the dashboard in a headless browser', () => {
  let browser: TestBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.browser.newPage({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('401')) pageErrors.push(message.text());
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('asks for a key, shows live health, breakers, fallbacks and decisions, and updates as traffic arrives', async () => {
    await traffic(12);

    await page.goto(`${harness.url}/dashboard`);
    // Keys are on and none is kept yet: the page asks for one.
    await page.locator('#key-dialog').waitFor({ state: 'visible' });
    await page.fill('#key-input', viewer.key);
    await page.click('#key-form button[type=submit]');

    const flaky = page.locator('tr[data-deployment="flaky"]');
    await flaky.locator('.breaker .pill.open').waitFor();
    expect(await page.locator('tr[data-deployment="openai-mini"] .breaker').innerText()).toBe('closed');
    for (const name of ['openai-mini', 'anthropic-haiku', 'gemini-flash', 'flaky']) await expect(page.locator(`tr[data-deployment="${name}"]`).count()).resolves.toBe(1);
    expect(await page.locator('tr[data-deployment="broken"] .breaker').innerText()).toContain('open');
    expect(Number(await page.locator('tr[data-deployment="openai-mini"] .attempts').innerText())).toBe(24);

    expect(await page.locator('#kpi-requests .value').innerText()).toBe(String(sent));
    expect(await page.locator('#kpi-errors .hint').innerText()).toBe(`${refused} error${refused === 1 ? '' : 's'}`);
    // The assistant route's answers came from its secondary tier.
    expect(await page.locator('#fallbacks tr[data-tier="secondary"]').innerText()).toContain('12');
    expect(await page.locator('#routes [data-route="assistant"]').innerText()).toContain('openai-mini');
    // A recent decision with the reason the ledger has for it.
    const { decisions } = await data(viewer.key);
    const reason = decisions.find((decision) => decision.reason)?.reason;
    expect(reason).toBeTruthy();
    expect(await page.locator('#decisions').innerText()).toContain(reason!);
    expect(await page.locator('#budgets').innerText()).toContain('notebooks app');
    expect(await page.locator('#cache').innerText()).toContain('no route caches its answers');
    // The SLA monitor's alerts: the deployments that always fail are over the critical error rate.
    await page.locator('#alerts tr', { hasText: 'flaky' }).locator('.pill.critical').waitFor({ timeout: 10_000 });
    expect(await page.locator('#alerts').innerText()).toContain('errorRate');
    // The key was asked for once and kept for the tab.
    expect(await page.evaluate("sessionStorage.getItem('junction.dashboard.key')")).toBe(viewer.key);

    // More traffic: the next poll (every 2 s) shows it without a reload.
    const updatedAt = await page.locator('body').getAttribute('data-updated-at');
    const before = sent;
    await traffic(2);
    expect(sent).toBeGreaterThan(before);
    await page.locator('#kpi-requests .value', { hasText: new RegExp(`^${sent}$`) }).waitFor({ timeout: 10_000 });
    expect(await page.locator('body').getAttribute('data-updated-at')).not.toBe(updatedAt);
    expect(Number(await page.locator('tr[data-deployment="openai-mini"] .attempts').innerText())).toBe(28);
    expect(await page.locator('#key-dialog').isVisible()).toBe(false);

    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: resolve(OUTPUT, 'dashboard.png'), fullPage: true });
    if (process.env.JUNCTION_UPDATE_SCREENSHOT === '1') await page.screenshot({ path: DOCS_SCREENSHOT, fullPage: true });
    // The same page in dark mode, for whoever reviews the output.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: resolve(OUTPUT, 'dashboard-dark.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('asks again, saying why, when the kept key is refused', async () => {
    const context = await browser.browser.newContext();
    try {
      await context.addInitScript(`sessionStorage.setItem('junction.dashboard.key', ${JSON.stringify(chatOnly.key)})`);
      const fresh = await context.newPage();
      await fresh.goto(`${harness.url}/dashboard`);
      await fresh.locator('#key-dialog').waitFor({ state: 'visible' });
      expect(await fresh.locator('#error-banner').innerText()).toContain('refused');
      expect(await fresh.locator('#live-text').innerText()).toBe('key needed');
    } finally {
      await context.close();
    }
  }, 30_000);

  it('shows the alerts of whatever source is plugged in, critical ones first, and says when there is none', async () => {
    const since = harness.junction.services.now() - 90_000;
    harness.junction.dashboard.useAlerts(() => [
      { id: 'to-anthropic:latency_p95', severity: 'warning', target: 'to-anthropic', metric: 'latency_p95_ms', value: 340, threshold: 300, since },
      { id: 'flaky:error_rate', severity: 'critical', target: 'flaky', metric: 'error_rate', value: 1, threshold: 0.1, since },
    ]);
    await page.locator('#alerts', { hasText: 'latency_p95_ms 340' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#alerts').innerText()).toMatch(/flaky error_rate 1 \(threshold 0\.1\)[\s\S]*to-anthropic latency_p95_ms 340/);
    expect(await page.locator('#kpi-alerts .value').innerText()).toBe('2');
    harness.junction.dashboard.useAlerts(() => []);
    await page.locator('#alerts', { hasText: 'no active alerts' }).waitFor({ timeout: 10_000 });
    harness.junction.dashboard.useAlerts(undefined);
    await page.locator('#kpi-alerts', { hasText: 'no SLA monitor' }).waitFor({ timeout: 10_000 });
    harness.junction.dashboard.useAlerts(() => harness.junction.sla.active());
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
