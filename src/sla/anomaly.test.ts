import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../ledger/types';
import { seededRandom } from '../resilience/random';
import { AnomalyDetector, DEFAULT_ANOMALY_SETTINGS } from './anomaly';
import { Mitigator, type MitigationEffects } from './mitigation';
import { SlaMonitor } from './monitor';
import { slaSettings } from './__fixtures__/sla-settings';
import type { SlaSettings } from './types';

const T0 = 1_800_000_000_000;

/** `count` successes around `latencyMs` (±20%, seeded), one a second from `from`. */
function steady(detector: AnomalyDetector, deployment: string, count: number, latencyMs: number, from = T0, seed = 1): number {
  const random = seededRandom(seed);
  for (let index = 0; index < count; index += 1) detector.observe(deployment, { latencyMs: latencyMs * (0.8 + 0.4 * random()), success: true }, from + index * 1_000);
  return from + count * 1_000;
}

describe('AnomalyDetector (injected clock)', () => {
  it('scores nothing before the warm-up, then a steady deployment near 0', () => {
    const detector = new AnomalyDetector();
    steady(detector, 'a', DEFAULT_ANOMALY_SETTINGS.minimumSamples - 1, 80);
    expect(detector.score('a', T0 + 60_000)).toBeUndefined();
    expect(detector.score('unknown', T0)).toBeUndefined();
    const now = steady(detector, 'a', 1, 80, T0 + 19_000);
    expect(detector.score('a', now)).toMatchObject({ samples: 20, errorZ: 0 });
  });

  it('raises no false alarm over a long steady run with noise, nor for one 10× outlier', () => {
    const detector = new AnomalyDetector();
    let now = T0;
    const random = seededRandom(5);
    let highest = 0;
    for (let index = 0; index < 2_000; index += 1) {
      detector.observe('a', { latencyMs: 80 * (0.6 + 0.8 * random()), success: true }, (now += 1_000));
      if (index >= 20) highest = Math.max(highest, detector.score('a', now)!.z);
    }
    expect(highest).toBeLessThan(3);
    detector.observe('a', { latencyMs: 800, success: true }, (now += 1_000));
    expect(detector.score('a', now)!.z).toBeLessThan(3);
  });

  it('flags a latency shift within a few requests, and critically soon after', () => {
    const detector = new AnomalyDetector();
    let now = steady(detector, 'a', 100, 80);
    const scores: number[] = [];
    for (let index = 0; index < 8; index += 1) {
      detector.observe('a', { latencyMs: 300, success: true }, (now += 1_000));
      scores.push(detector.score('a', now)!.latencyZ);
    }
    expect(scores.findIndex((z) => z >= 3)).toBeLessThanOrEqual(2);
    expect(scores.findIndex((z) => z >= 6)).toBeGreaterThan(0);
    expect(scores.findIndex((z) => z >= 6)).toBeLessThanOrEqual(6);
  });

  it('flags failures of a deployment that never fails by the third, before a 5-failure breaker', () => {
    const detector = new AnomalyDetector();
    let now = steady(detector, 'a', 100, 80);
    const scores: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      detector.observe('a', { latencyMs: 5, success: false }, (now += 1_000));
      scores.push(detector.score('a', now)!.errorZ);
    }
    expect(scores[0]).toBeLessThan(3);
    expect(scores[2]).toBeGreaterThanOrEqual(3);
    expect(scores[3]).toBeGreaterThan(scores[2]);
  });

  it('lets the recent level decay back to the baseline without samples', () => {
    const detector = new AnomalyDetector();
    let now = steady(detector, 'a', 100, 80);
    for (let index = 0; index < 5; index += 1) detector.observe('a', { latencyMs: 5, success: false }, (now += 1_000));
    expect(detector.score('a', now)!.z).toBeGreaterThan(3);
    expect(detector.score('a', now + 3 * DEFAULT_ANOMALY_SETTINGS.recoveryMs)!.z).toBeLessThan(3);
  });
});

/** The window's minimum volume is out of reach: every alert below comes from the anomaly score. */
const settings = (overrides: Partial<SlaSettings> = {}): SlaSettings => slaSettings({ minimumRequests: 1_000, ...overrides });

function attempt(deployment: string, ok: boolean, latencyMs: number): LedgerEntry {
  return {
    requestId: 'r',
    timestamp: 0,
    route: 'chat',
    ingress: 'openai',
    endpoint: 'chat',
    stream: false,
    attempts: [{ deployment, outcome: ok ? 'success' : 'error', latencyMs, inputTokens: 0, outputTokens: 0, costUsd: 0 }],
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    latencyMs,
    status: ok ? 200 : 503,
  };
}

function recordingEffects(): MitigationEffects & { factors: Map<string, number>; audits: string[] } {
  const factors = new Map<string, number>();
  const audits: string[] = [];
  return {
    factors,
    audits,
    drain: () => {},
    undrain: () => {},
    drained: () => new Set(),
    routesWith: () => [],
    switchStrategy: async (_route, strategy) => strategy,
    lowerWeight: (deployment, factor) => factors.set(deployment, factor),
    restoreWeight: (deployment) => factors.delete(deployment),
    audit: (action, target) => audits.push(`${action} ${target}`),
  };
}

describe('the anomaly SLA metric', () => {
  it('says when to evaluate at once, fires an anomaly alert without the window’s minimum volume, lowers the weight ×0.25, and restores it when the anomaly clears', async () => {
    const monitor = new SlaMonitor(settings());
    const effects = recordingEffects();
    const mitigator = new Mitigator(settings(), effects);
    let now = T0;
    const random = seededRandom(3);
    for (let index = 0; index < 50; index += 1) expect(monitor.observe(attempt('a', true, 80 * (0.8 + 0.4 * random())), (now += 1_000))).toBe(false);
    expect(monitor.evaluate(now)).toEqual([]);

    const urgent: boolean[] = [];
    for (let index = 0; index < 3; index += 1) urgent.push(monitor.observe(attempt('a', false, 5), (now += 1_000)));
    expect(urgent).toEqual([false, false, true]);
    const fired = monitor.evaluate(now);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ type: 'fired', alert: { id: 'deployment:a:anomaly', metric: 'anomaly', severity: 'warning', threshold: 3 } });
    for (const transition of fired) await mitigator.handle(transition);
    expect(effects.factors.get('a')).toBe(0.25);
    expect(fired[0].alert.mitigation).toBe('lower-weight:0.25');

    // Healthy again: successes bring the recent level back under the threshold.
    for (let index = 0; index < 40; index += 1) monitor.observe(attempt('a', true, 80), (now += 1_000));
    const resolved = monitor.evaluate(now);
    expect(resolved.map((transition) => `${transition.type} ${transition.alert.id}`)).toEqual(['resolved deployment:a:anomaly']);
    for (const transition of resolved) await mitigator.handle(transition);
    expect(effects.factors.size).toBe(0);
    expect(effects.audits).toEqual(['sla.lower-weight a', 'sla.restore-weight a']);
  });

  it('follows a configured rule instead, and lowers nothing when the weight factor is 1 or detection is off', async () => {
    const drained: string[] = [];
    const effects = { ...recordingEffects(), drain: (deployment: string) => drained.push(deployment), routesWith: () => [{ route: 'chat', deployments: ['a', 'b'] }] };
    const alert = { id: 'deployment:a:anomaly', kind: 'deployment' as const, target: 'a', metric: 'anomaly' as const, severity: 'critical' as const, value: 7, threshold: 6, since: T0 };
    await new Mitigator(settings({ mitigations: [{ metric: 'anomaly', severity: 'critical', then: { action: 'drain' } }] }), effects).handle({ type: 'fired', alert: { ...alert } });
    expect(drained).toEqual(['a']);
    await new Mitigator(settings({ anomaly: { ...DEFAULT_ANOMALY_SETTINGS, weightFactor: 1 } }), effects).handle({ type: 'fired', alert: { ...alert } });
    expect(effects.factors.size).toBe(0);

    const off = new SlaMonitor(settings({ anomaly: { ...DEFAULT_ANOMALY_SETTINGS, enabled: false } }));
    for (let index = 0; index < 30; index += 1) off.observe(attempt('a', true, 80), T0 + index);
    for (let index = 0; index < 10; index += 1) expect(off.observe(attempt('a', false, 5), T0 + 100 + index)).toBe(false);
    expect(off.reports(T0 + 200)[0].anomaly).toBeUndefined();
  });
});
