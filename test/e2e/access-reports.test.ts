/**
 * Usage and spend as a running gateway reports them: requests made with a virtual key show up
 * in `/admin/usage` (the limit store's counters, the same ones admission judges the next
 * request against) and in `/admin/spend` (the ledger), and `junction usage` / `junction spend`
 * print the same, through the real wiring rather than stand-ins.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/access/keys';
import { main } from '../../src/cli/main';
import { startHarness, type Harness } from '../support/harness';

const ADMIN_KEY = 'admin-secret-for-report-tests';
const member = generateKey();

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    env: { JUNCTION_ADMIN_KEY: ADMIN_KEY },
    auth: {
      mode: 'keys',
      teams: { research: { limits: { rpm: 1_000 }, budgets: [{ usd: 50, period: 'month' }] } },
      keys: [{ id: 'notebooks', hash: member.hash, team: 'research', limits: { rpm: 600, tpd: 1_000_000 }, budgets: [{ usd: 10, period: 'day' }] }],
    },
  });
});
afterAll(() => harness?.close());

const admin = async <T>(path: string): Promise<T> => {
  const response = await fetch(`${harness.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
};

interface Usage {
  limits: Array<{ name: string; limit: number; used: number; reserved: number }>;
  budgets: Array<{ period: string; usd: number; spentUsd: number; reservedUsd: number }>;
}

describe('usage and spend of a key, through the running gateway', () => {
  it('counts what the key did against its limits and budgets, and the ledger agrees on the cost', async () => {
    const client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: member.key, maxRetries: 0 });
    let tokens = 0;
    let cost = 0;
    for (const route of ['to-openai', 'to-anthropic', 'to-gemini']) {
      const { data, response } = await client.chat.completions.create({ model: route, max_tokens: 40, messages: [{ role: 'user', content: `Hello ${route}` }] }).withResponse();
      tokens += data.usage!.prompt_tokens + data.usage!.completion_tokens;
      cost += Number(response.headers.get('x-junction-cost-usd'));
    }

    const usage = await admin<Usage>('/admin/usage?key=notebooks');
    expect(usage.limits).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'rpm', limit: 600, reserved: 0 }),
        expect.objectContaining({ name: 'tpd', limit: 1_000_000, used: tokens, reserved: 0 }),
      ]),
    );
    expect(usage.budgets).toHaveLength(1);
    expect(usage.budgets[0]).toMatchObject({ period: 'day', usd: 10, reservedUsd: 0 });
    // Budgets count whole nano-dollars, each charge rounded up.
    expect(usage.budgets[0].spentUsd).toBeGreaterThanOrEqual(cost - 1e-12);
    expect(usage.budgets[0].spentUsd).toBeLessThanOrEqual(cost + 3e-9);

    const team = await admin<Usage>('/admin/usage?team=research');
    expect(team.budgets[0]).toMatchObject({ period: 'month', usd: 50 });
    expect(team.budgets[0].spentUsd).toBeCloseTo(usage.budgets[0].spentUsd, 9);

    const spend = await admin<{ data: Array<{ key: string; team: string; requests: number; costUsd: number }> }>('/admin/spend?groupBy=key,team');
    const row = spend.data.find((entry) => entry.key === 'notebooks');
    expect(row).toMatchObject({ team: 'research', requests: 3 });
    expect(row!.costUsd).toBeCloseTo(cost, 8);
  });

  it('`junction usage` and `junction spend` print the same figures', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { JUNCTION_URL: harness.url, JUNCTION_ADMIN_KEY: ADMIN_KEY };
    expect(await main(['usage', '--key', 'notebooks'], { out: (line) => out.push(line), err: (line) => err.push(line) }, env), err.join('\n')).toBe(0);
    expect(out.join('\n')).toMatch(/tpd/);
    expect(out.join('\n')).toMatch(/\$10\.00/);
    out.length = 0;
    expect(await main(['spend', '--by', 'key'], { out: (line) => out.push(line), err: (line) => err.push(line) }, env), err.join('\n')).toBe(0);
    expect(out.join('\n')).toMatch(/notebooks\s+3\b/);
  });
});
