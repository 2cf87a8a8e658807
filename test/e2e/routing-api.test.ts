/** The routing operations API: dry-run decisions, provider health, and active health checks. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHealthChecks } from '../../src/gateway/health-checks';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterEach(() => harness.reset());
afterAll(() => harness.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(harness.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('POST /v1/routing/decision', () => {
  it('returns the attempt plan with reasons and exclusions, calling no upstream', async () => {
    const before = harness.simulator.stats().requests;
    const response = await post('/v1/routing/decision', {
      model: 'failover',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    });
    expect(response.status).toBe(200);
    const decision = (await response.json()) as any;
    expect(decision).toMatchObject({ route: 'failover', strategy: 'priority', reason: expect.stringContaining('primary') });
    expect(decision.plan.map((step: any) => step.deployment)).toEqual(['openai-big', 'anthropic-haiku', 'gemini-flash']);
    expect(decision.plan[0]).toMatchObject({ rank: 1, tier: 'primary', health: { breaker: 'closed' } });
    expect(harness.simulator.stats().requests).toBe(before);
  });

  it('explains exclusions and honours request overrides', async () => {
    const response = await post('/v1/routing/decision', { model: 'failover', messages: [{ role: 'user', content: 'hi' }] }, { 'x-junction-exclude': 'openai-big' });
    const decision = (await response.json()) as any;
    expect(decision.plan.map((step: any) => step.deployment)).toEqual(['anthropic-haiku', 'gemini-flash']);
    expect(decision.excluded).toEqual([{ deployment: 'openai-big', tier: 'primary', reason: 'excluded by the request' }]);
  });

  it('rejects an unknown strategy override with a 400 naming the header', async () => {
    const response = await post('/v1/routing/decision', { model: 'failover', messages: [{ role: 'user', content: 'hi' }] }, { 'x-junction-strategy': 'fastest' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.message).toContain('x-junction-strategy');
  });
});

describe('GET /v1/providers and health checks', () => {
  it('reports every deployment\'s health and breaker; health checks open a dead deployment\'s breaker', async () => {
    harness.simulator.setBehaviour('gpt-4o', { down: true });
    const checker = startHealthChecks(harness.junction.services, { intervalMs: 60_000, timeoutMs: 2_000 }, { timer: false });
    for (let round = 0; round < 5; round += 1) await checker.runOnce();
    checker.stop();

    const status = (await (await fetch(`${harness.url}/v1/providers`)).json()) as any;
    const byId = new Map(status.data.map((row: any) => [row.deployment, row]));
    expect(byId.size).toBe(harness.junction.services.catalog.deployments.size);
    expect(byId.get('openai-big')).toMatchObject({ breaker: { status: 'open' }, consecutiveFailures: 5, lastError: { code: 'upstream_overloaded' } });
    expect(byId.get('openai-mini')).toMatchObject({ breaker: { status: 'closed' }, consecutiveFailures: 0, successRate: 1 });
    expect(byId.get('dead')).toMatchObject({ lastError: { code: 'upstream_connection' } });

    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toMatch(/junction_breaker_state\{deployment="openai-big"\} 2/);
    expect(metrics).toMatch(/junction_breaker_transitions_total\{deployment="openai-big",to="open"\} 1/);

    // The planner now puts the dead deployment last.
    const decision = (await (await post('/v1/routing/decision', { model: 'failover', messages: [{ role: 'user', content: 'hi' }] })).json()) as any;
    expect(decision.plan.map((step: any) => step.tier)).toEqual(['primary', 'primary', 'last-resort']);
    expect(decision.plan[2].deployment).toBe('openai-big');
  });
});

describe('numbers people read', () => {
  it('/v1/providers and the decision show latency to 0.1 ms and rates to four decimals; routing keeps the exact values', async () => {
    const { store } = harness.junction.services;
    const now = Date.now();
    const ended = (verdict: 'success' | 'failure', latencyMs: number) => ({ verdict, latencyMs, ttftMs: latencyMs / 3, tokens: 10, probe: false });
    store.attemptStarted('openai-big', now);
    store.attemptEnded('openai-big', ended('success', 227.075312), now);
    store.attemptStarted('openai-big', now);
    store.attemptEnded('openai-big', ended('success', 150.333333), now);
    store.attemptStarted('openai-big', now);
    store.attemptEnded('openai-big', { ...ended('failure', 80.1234), errorCode: 'upstream_server_error', errorMessage: 'boom' }, now);
    const exact = store.snapshot('openai-big', Date.now());
    // The store's own numbers are not round: otherwise this test would prove nothing.
    expect(exact.latencyMs! * 10 % 1).not.toBe(0);
    expect(exact.successRate).toBe(2 / 3);

    const status = (await (await fetch(`${harness.url}/v1/providers`)).json()) as any;
    const row = status.data.find((item: any) => item.deployment === 'openai-big');
    expect(row).toMatchObject({
      latencyMs: Math.round(exact.latencyMs! * 10) / 10,
      ttftMs: Math.round(exact.ttftMs! * 10) / 10,
      ttftP95Ms: Math.round(exact.ttftP95Ms! * 10) / 10,
      successRate: 0.6667,
    });

    const decision = (await (await post('/v1/routing/decision', { model: 'failover', messages: [{ role: 'user', content: 'hi' }] })).json()) as any;
    const step = decision.plan.find((item: any) => item.deployment === 'openai-big');
    expect(step.health).toMatchObject({ latencyMs: row.latencyMs, ttftMs: row.ttftMs, successRate: 0.6667 });
  });
});

