/**
 * Hot reload: a config file is reloaded while requests run, and none is lost or fails; a
 * request in flight finishes on the config it began on; health and breakers stay with the
 * deployments that still exist; an invalid file changes nothing and says why (also through the
 * admin API, as 422 config_invalid); every reload is audited. Through the CLI, SIGHUP and
 * --watch do the same.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startJunction, type Junction } from '../../src/app';
import { loadConfigFile } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import { startSimulator, type Simulator } from '../../src/simulator';
import { spawnJunction } from '../support/cli';

const ADMIN_KEY = 'admin-key-for-reload-tests';
let simulator: Simulator;
let directory: string;

beforeAll(async () => {
  simulator = await startSimulator({ apiKey: 'test-key', models: { slow: { latencyMs: { p50: 600, p99: 600 } } } });
  directory = mkdtempSync(join(tmpdir(), 'junction-reload-'));
});
afterAll(async () => {
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});

/** A config with `routes` (YAML lines under `routes:`) over the simulator's deployments. */
function configText(routes: string, extra = ''): string {
  return `
server: { host: 127.0.0.1, port: 0 }
logging: { level: silent }
ledger: { kind: sqlite, path: ${JSON.stringify(join(directory, 'junction.db'))} }
${extra}
providers:
  sim: { kind: openai, baseUrl: "${simulator.url}/v1", apiKey: test-key }
deployments:
  mini: { provider: sim, model: gpt-4o-mini, pricing: { input: 0.15, output: 0.6 }, contextWindow: 128000 }
  big: { provider: sim, model: gpt-4o, pricing: { input: 2.5, output: 10 }, contextWindow: 128000 }
  slow: { provider: sim, model: slow, pricing: { input: 1, output: 1 }, contextWindow: 128000 }
  flaky: { provider: sim, model: flaky, pricing: { input: 1, output: 1 }, contextWindow: 128000 }
routes:
${routes}
`;
}

const BASE = `  chat: { deployments: [mini, big] }
  slow: { deployments: [slow] }
  flaky: { deployments: [flaky], retry: { attempts: 0 }, breaker: { consecutiveFailures: 2, cooldownMs: 600000 } }
  old: { deployments: [mini] }`;
const NEXT = `  chat: { deployments: [big, mini], strategy: round-robin }
  slow: { deployments: [mini] }
  flaky: { deployments: [flaky], retry: { attempts: 0 }, breaker: { consecutiveFailures: 2, cooldownMs: 600000 } }
  fresh: { deployments: [big] }`;

const chat = (url: string, model: string) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] }) });

describe('reloading a running gateway', () => {
  let junction: Junction;
  let file: string;
  beforeAll(async () => {
    file = join(directory, 'junction.yaml');
    writeFileSync(file, configText(BASE));
    junction = await startJunction(loadConfigFile(file), { port: 0, logger: createLogger('silent'), env: { JUNCTION_ADMIN_KEY: ADMIN_KEY } });
  });
  afterAll(() => junction.close());

  it('loses and fails no request while the config is reloaded again and again under load', async () => {
    let stop = false;
    const statuses: number[] = [];
    const loops = Array.from({ length: 12 }, async () => {
      while (!stop) {
        const response = await chat(junction.url, 'chat');
        await response.arrayBuffer();
        statuses.push(response.status);
      }
    });
    for (let round = 0; round < 6; round += 1) {
      writeFileSync(file, configText(round % 2 === 0 ? NEXT : BASE));
      const outcome = await junction.reload();
      expect(outcome.applied).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    stop = true;
    await Promise.all(loops);
    expect(statuses.length).toBeGreaterThan(12);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    // Every request is in the ledger, too.
    await junction.ledger.flush();
    expect((await junction.ledger.query({ route: 'chat', limit: 100_000 })).length).toBe(statuses.length);
  });

  it('swaps routing: new routes serve, removed ones are gone, changed ones change; it says what changed', async () => {
    writeFileSync(file, configText(BASE));
    await junction.reload();
    writeFileSync(file, configText(NEXT));
    const outcome = await junction.reload(undefined, 'test');
    expect(outcome).toMatchObject({ applied: true, routes: { added: ['fresh'], removed: ['old'], changed: ['chat', 'slow'] }, restartNeeded: [] });
    expect((await chat(junction.url, 'fresh')).status).toBe(200);
    expect((await chat(junction.url, 'old')).status).toBe(404);
    expect((await chat(junction.url, 'chat')).headers.get('x-junction-strategy')).toBe('round-robin');
    const audit = await junction.access.store.auditLog({ limit: 1 });
    expect(audit[0]).toMatchObject({ actor: 'test', action: 'config.reload', target: file });
  });

  it('lets a request in flight finish on the config it began on', async () => {
    writeFileSync(file, configText(BASE));
    await junction.reload();
    const inFlight = chat(junction.url, 'slow');
    await vi.waitFor(() => expect(simulator.stats().inFlight).toBeGreaterThan(0));
    writeFileSync(file, configText(NEXT));
    await junction.reload();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(answered.headers.get('x-junction-deployment')).toBe('slow');
    expect((await chat(junction.url, 'slow')).headers.get('x-junction-deployment')).toBe('mini');
  });

  it('keeps health and breakers for deployments that still exist', async () => {
    writeFileSync(file, configText(BASE));
    await junction.reload();
    simulator.setBehaviour('flaky', { down: true });
    for (let index = 0; index < 2; index += 1) await (await chat(junction.url, 'flaky')).arrayBuffer();
    expect(junction.services.store.snapshot('flaky', Date.now()).breaker.status).toBe('open');
    writeFileSync(file, configText(NEXT));
    await junction.reload();
    expect(junction.services.store.snapshot('flaky', Date.now()).breaker.status).toBe('open');
    simulator.setBehaviour('flaky', { down: false });
  });

  it('keeps the running config when the file is invalid, and says exactly why', async () => {
    writeFileSync(file, configText(BASE));
    await junction.reload();
    writeFileSync(file, configText(`${BASE}\n  broken: { deployments: [ghost] }`));
    const outcome = await junction.reload();
    expect(outcome.applied).toBe(false);
    expect(!outcome.applied && outcome.error).toMatch(/routes\.broken\.deployments\[0\].*ghost/);
    expect((await chat(junction.url, 'old')).status).toBe(200);

    const answer = await fetch(`${junction.url}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(answer.status).toBe(422);
    expect(await answer.json()).toMatchObject({ error: { code: 'config_invalid', message: expect.stringContaining('ghost') } });

    writeFileSync(file, configText(NEXT));
    const fixed = await fetch(`${junction.url}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(fixed.status).toBe(200);
    expect(await fixed.json()).toMatchObject({ applied: true, routes: { added: ['fresh'] } });
    const audit = await junction.access.store.auditLog({ limit: 1 });
    expect(audit[0]).toMatchObject({ actor: 'admin', action: 'config.reload' });
  });

  it('reports sections that need a restart and leaves them as they run', async () => {
    writeFileSync(file, configText(BASE, 'healthChecks: { enabled: true, intervalMs: 60000 }'));
    const outcome = await junction.reload();
    expect(outcome).toMatchObject({ applied: true, restartNeeded: ['healthChecks'] });
    expect(junction.config().healthChecks.enabled).toBe(false);
  });
});

describe('the CLI reloads on SIGHUP and, with --watch, when the file changes', () => {
  it('serves a route added to the file', async () => {
    const file = join(directory, 'cli.yaml');
    writeFileSync(file, configText(BASE));
    const { child, exited, output, match } = await spawnJunction(['serve', '-c', file, '--port', '0', '--watch'], /Junction listening on (http:\/\/[\d.]+:\d+)/);
    const url = match[1]!;
    try {
      expect((await chat(url, 'fresh')).status).toBe(404);
      writeFileSync(file, configText(NEXT));
      await vi.waitFor(async () => expect((await chat(url, 'fresh')).status).toBe(200), { timeout: 10_000, interval: 100 });
      // SIGHUP reloads at once (the watch would see this change too, a moment later).
      writeFileSync(file, configText(`${BASE}\n  hup: { deployments: [big] }`));
      child.kill('SIGHUP');
      await vi.waitFor(async () => expect((await chat(url, 'hup')).status).toBe(200), { timeout: 10_000, interval: 100 });
      expect(output()).toMatch(/config reloaded/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, output()).toBe(0);
  }, 60_000);
});
