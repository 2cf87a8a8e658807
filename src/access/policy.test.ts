import { describe, expect, it } from 'vitest';
import type { LimitSettings } from '../config/types';
import type { LedgerEntry } from '../ledger/types';
import type { Catalog, Deployment, Route } from '../routing/catalog';
import { Calendar } from './calendar';
import { actualsOf, alertLabel, describeLabel, DrawPolicy, RouteCosts, usdToNanos } from './policy';
import type { KeyRecord } from './types';

const NOW = Date.parse('2026-12-05T12:00:00Z');

function deployment(id: string, provider: string, input: number, output: number, maxOutputTokens?: number): Deployment {
  return { id, provider, model: id, pricing: { inputPerMillion: input, outputPerMillion: output }, contextWindow: 100_000, capabilities: ['chat'], priority: 0, weight: 1, tags: {}, ...(maxOutputTokens ? { maxOutputTokens } : {}) };
}

const deployments = [deployment('cheap', 'a', 1, 2), deployment('dear', 'b', 10, 30, 1_000)];
const route = { name: 'chat', tiers: [{ name: 'primary', deployments: ['cheap', 'dear'] }] } as unknown as Route;
const catalog = { deployments: new Map(deployments.map((d) => [d.id, d])) } as unknown as Catalog;

function settings(overrides: Partial<LimitSettings> = {}): LimitSettings {
  return {
    timeZone: 'UTC',
    tierMultipliers: { free: 0.5, standard: 1, premium: 2 },
    defaultMaxOutputTokens: 4_096,
    keyDefaults: {},
    onStoreDown: { rateLimits: 'open', budgets: 'closed' },
    storeTimeoutMs: 50,
    global: { limits: {}, budgets: [] },
    providers: new Map(),
    routes: new Map(),
    alerts: { thresholds: [0.8, 0.95] },
    ...overrides,
  };
}

const key: KeyRecord = {
  id: 'key_1', prefix: 'jk-abcd', hash: '0'.repeat(64), name: 'k', tier: 'free', routes: ['*'], scopes: ['chat'], metadata: {},
  limits: { rpm: 600, tpm: 10_000, maxConcurrent: 4 }, budgets: [{ usd: 1, period: 'month' }], createdAt: 0, source: 'admin', version: 1,
};

describe('the draw policy', () => {
  it('bounds cost by the dearest deployment, its own output cap and the prompt bound', () => {
    const costs = new RouteCosts(catalog, route);
    const { total, byProvider } = costs.bound({ inputTokens: 10, inputTokenBound: 100, outputTokens: 2_000 }, 4_096);
    // dear: 100 × $10/M + min(2000, 1000) × $30/M
    expect(total).toBeCloseTo((100 * 10 + 1_000 * 30) / 1e6, 12);
    expect(byProvider.get('a')).toBeCloseTo((100 * 1 + 2_000 * 2) / 1e6, 12);
  });

  it('scales a key’s rates by its tier and reserves its budget in nano-dollars', () => {
    const policy = new DrawPolicy(settings(), new Calendar('UTC'));
    const plan = policy.plan({ key }, route, new RouteCosts(catalog, route), { inputTokens: 50, inputTokenBound: 100, outputTokens: 500 }, NOW);
    expect(plan.labels.map((label) => `${label.owner}:${label.limit}`)).toEqual(['key:rpm', 'key:tpm', 'key:concurrent', 'key:budget']);
    expect(plan.draws[0]!.rule).toMatchObject({ kind: 'rate', perMinute: 300, capacity: 5 });
    expect(plan.draws[1]).toMatchObject({ rule: { perMinute: 5_000, capacity: 5_000 }, amount: 550 });
    expect(plan.draws[2]!.rule).toMatchObject({ kind: 'concurrency', limit: 2 });
    expect(plan.draws[3]).toMatchObject({ rule: { kind: 'quota', key: 'key:key_1:usd:2026-12', limit: 1_000_000_000, windowEnd: Date.parse('2027-01-01T00:00:00Z') }, amount: usdToNanos((100 * 10 + 500 * 30) / 1e6) });
  });

  it('adds route, gateway and provider budgets, and settles each with what was spent there', () => {
    const policy = new DrawPolicy(settings({ global: { limits: { rpd: 10 }, budgets: [{ usd: 5, period: 'day' }] }, providers: new Map([['b', [{ usd: 2, period: 'lifetime' }]]]) }), new Calendar('UTC'));
    const plan = policy.plan(undefined, route, new RouteCosts(catalog, route), { inputTokens: 5, inputTokenBound: 10, outputTokens: 10 }, NOW);
    expect(plan.labels.map(describeLabel)).toEqual(["the gateway's requests per day (rpd)", "the gateway's daily budget", "provider b's lifetime budget"]);
    const entry = { inputTokens: 7, outputTokens: 9, costUsd: 0.003, attempts: [{ deployment: 'dear', costUsd: 0.002 }, { deployment: 'cheap', costUsd: 0.001 }] } as unknown as LedgerEntry;
    expect(actualsOf(plan, entry, (id) => catalog.deployments.get(id)?.provider)).toEqual([1, usdToNanos(0.003), usdToNanos(0.002)]);
  });

  it('names a key to its caller as "the key", and to the operator (budget alerts) by its id', () => {
    const plan = new DrawPolicy(settings(), new Calendar('UTC')).counters({ key }, NOW);
    const budget = plan.labels.find((label) => label.limit === 'budget')!;
    expect(describeLabel(budget)).toBe("the key's monthly budget");
    expect(alertLabel(budget)).toBe("key key_1's monthly budget");
    expect(alertLabel({ owner: 'team', id: 'eng', limit: 'budget', period: 'day', sort: 'budget' })).toBe("team eng's daily budget");
  });

  it('never rounds a charge down', () => {
    for (const usd of [0.1 + 0.2, 1e-9, 3e-7, 0.000123456789]) expect(usdToNanos(usd) / 1e9).toBeGreaterThanOrEqual(usd - 1e-15);
  });
});
