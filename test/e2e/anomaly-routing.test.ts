/**
 * Anomaly-aware routing over real HTTP, on an injected clock: a deployment that has answered
 * steadily starts failing. The SLA monitor's anomaly score flags it after fewer failures than
 * its breaker needs to trip (the breaker is still closed), at once rather than at the next
 * evaluation tick; the mitigation lowers its weight ×0.25 (the decision preview shows it) and
 * is audited; when it answers well again the alert resolves (as promptly) and the weight is
 * restored.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seededRandom, startHarness, type Harness } from '../support/harness';

let harness: Harness;
let now = 1_800_000_000_000;
const BREAKER_FAILURES = 5;
/** Steady answers before the failures: its normal. */
const WARM = 60;

beforeAll(async () => {
  const deployment = (model: string) => ({ provider: 'sim-openai', model, pricing: { input: 1, output: 1 }, contextWindow: 8_000, capabilities: ['chat'] });
  harness = await startHarness({
    now: () => now,
    random: seededRandom(31),
    junctionRandom: seededRandom(32),
    deployments: { 'an-flaky': deployment('an-flaky-model'), 'an-steady': deployment('an-steady-model') },
    routes: {
      weighted: {
        deployments: ['an-flaky', 'an-steady'],
        strategy: 'weighted',
        retry: { attempts: 0 },
        overrides: { pin: true },
        breaker: { consecutiveFailures: BREAKER_FAILURES, failureRate: 1, minimumRequests: 1_000 },
      },
    },
    // The timer would evaluate once an hour: any alert below comes from the anomaly itself.
    sla: { evaluateEveryMs: 3_600_000, anomaly: { minimumSamples: 20 } },
  });
});
afterAll(() => harness.close());

/** One request with `an-flaky` tried first; the clock moves a second per request. */
async function ask(): Promise<Response> {
  now += 1_000;
  const response = await fetch(`${harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-junction-pin': 'an-flaky,an-steady' },
    body: JSON.stringify({ model: 'weighted', messages: [{ role: 'user', content: 'Hello' }] }),
  });
  await response.arrayBuffer();
  return response;
}

/** Attempts on `an-flaky` the SLA monitor has heard of. */
const observed = () => harness.junction.sla.report().targets.find((target) => target.kind === 'deployment' && target.target === 'an-flaky')?.window.requests ?? 0;
const anomalyAlert = () => harness.junction.sla.active().find((alert) => alert.id === 'deployment:an-flaky:anomaly');

async function preview(): Promise<string | undefined> {
  const body = (await (await fetch(`${harness.url}/v1/routing/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'weighted', messages: [{ role: 'user', content: 'Hi' }] }) })).json()) as { plan: Array<{ deployment: string; reason: string }> };
  return body.plan.find((row) => row.deployment === 'an-flaky')?.reason;
}

describe('anomaly-aware routing', () => {
  it('lowers a failing deployment’s weight before its breaker trips, and restores it when it recovers', async () => {
    harness.simulator.setBehaviour('an-flaky-model', { latencyMs: { p50: 3, p99: 5 } });
    for (let index = 0; index < WARM; index += 1) expect((await ask()).headers.get('x-junction-deployment')).toBe('an-flaky');
    await vi.waitFor(() => expect(observed()).toBe(WARM));
    expect(anomalyAlert()).toBeUndefined();
    expect(await preview()).toContain('weight 1 (50%)');

    harness.simulator.setBehaviour('an-flaky-model', { down: true });
    let failures = 0;
    while (anomalyAlert() === undefined && failures < BREAKER_FAILURES) {
      const response = await ask();
      failures += 1;
      // Served by the other deployment: the caller never notices.
      expect(response.status).toBe(200);
      expect(response.headers.get('x-junction-attempts')).toBe('2');
      await vi.waitFor(() => expect(observed()).toBe(WARM + failures));
      // Let the evaluation the anomaly asked for run (no timer will).
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(failures).toBeLessThan(BREAKER_FAILURES);
    // With a clean record, the third failure in a row is already 3 standard errors out.
    expect(failures).toBe(3);
    expect(anomalyAlert()).toMatchObject({ kind: 'deployment', metric: 'anomaly', severity: 'warning', mitigation: 'lower-weight:0.25' });
    expect(harness.junction.services.store.snapshot('an-flaky', now).breaker.status).toBe('closed');
    expect(harness.junction.services.weightShifts.factor('an-flaky')).toBe(0.25);
    // Weights 0.25 : 1 → a fifth of the draws.
    expect(await preview()).toContain('weight 0.25 (20%)');
    const report = (await (await fetch(`${harness.url}/sla`)).json()) as { alerts: Array<{ id: string; mitigation?: string }> };
    expect(report.alerts).toContainEqual(expect.objectContaining({ id: 'deployment:an-flaky:anomaly', mitigation: 'lower-weight:0.25' }));

    // It recovers: successes bring its recent level back to its normal.
    harness.simulator.setBehaviour('an-flaky-model', { down: false, latencyMs: { p50: 3, p99: 5 } });
    for (let index = 0; index < 30; index += 1) await ask();
    await vi.waitFor(() => expect(observed()).toBe(WARM + failures + 30));
    // Resolved as soon as the score fell back under the threshold, again without the timer.
    await vi.waitFor(() => expect(anomalyAlert()).toBeUndefined());
    expect(harness.junction.services.weightShifts.factor('an-flaky')).toBe(1);
    expect(await preview()).toContain('weight 1 (50%)');

    const audit = await harness.junction.access.store.auditLog({ limit: 10 });
    expect(audit.map((row) => `${row.actor} ${row.action} ${row.target}`)).toEqual(expect.arrayContaining(['sla-monitor sla.lower-weight an-flaky', 'sla-monitor sla.restore-weight an-flaky']));
  });
});
