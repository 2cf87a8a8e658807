import { describe, expect, it } from 'vitest';
import { JunctionError } from '../errors';
import { createSourceRouter, type Candidate, type SourcePolicyInput } from './index';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 1);

const POLICY: SourcePolicyInput = {
  maxStalenessMs: 1.5 * HOUR,
  scaleFloor: 1,
  tolerance: { absolute: 2, relative: 0.1 },
  synthetic: { allowed: true, horizonMs: 6 * HOUR },
  breaker: { cooldownMs: 3 * HOUR, maxCooldownMs: 48 * HOUR, stuckRounds: 4, probeRounds: 3 },
};

/** A metric that moves every hour (so a stuck source stands out), with a daily cycle. */
function truth(hour: number): number {
  return 100 + 30 * Math.sin((2 * Math.PI * hour) / 24) + 3 * Math.sin(hour * 1.7);
}

function setup(policy: SourcePolicyInput = POLICY) {
  let clock = START;
  const router = createSourceRouter({ now: () => clock, policies: { m: policy } });
  const at = (hour: number) => {
    clock = START + hour * HOUR;
    return clock;
  };
  const readings = (hour: number, overrides: Record<string, number | null> = {}): Candidate[] =>
    [
      ['a', truth(hour) * 1.02],
      ['b', truth(hour) * 0.99],
      ['c', truth(hour) * 1.0],
    ]
      .filter(([id]) => overrides[id as string] !== null)
      .map(([id, value]) => ({ sourceId: id as string, value: overrides[id as string] ?? (value as number), timestamp: START + hour * HOUR }));
  return { router, at, readings };
}

function trustOf(router: ReturnType<typeof setup>['router'], id: string): number {
  return router.trust('m').find((entry) => entry.sourceId === id)!.trust;
}

describe('source router: the breaker cycle with an injected clock', () => {
  it('opens a stuck source, leaves it out, probes it after the cool-down and trusts it again once it agrees', () => {
    const { router, at, readings } = setup();
    for (let hour = 0; hour < 48; hour++) {
      at(hour);
      router.route({ metricKey: 'm', candidates: readings(hour) });
    }
    const trustBefore = trustOf(router, 'c');
    const stuckValue = truth(48);
    let openedAt: number | undefined;
    for (let hour = 48; hour < 60; hour++) {
      at(hour);
      const result = router.route({ metricKey: 'm', candidates: readings(hour, { c: stuckValue }) });
      const c = result.sources.find((s) => s.sourceId === 'c')!;
      if (c.status === 'open' && openedAt === undefined) openedAt = hour;
      // While open the answer comes from a and b only.
      if (c.status === 'open') expect(c.weight).toBe(0);
    }
    expect(openedAt).toBeDefined();
    expect(openedAt! - 48).toBeLessThanOrEqual(6);
    const breaker = router.breakers('m').find((b) => b.sourceId === 'c')!;
    expect(breaker.status).not.toBe('closed');
    expect(breaker.reason).toMatch(/stuck/);
    const trustWhileOpen = trustOf(router, 'c');
    expect(trustWhileOpen).toBeLessThan(trustBefore);

    // It recovers: after the cool-down it is probed (compared, not used), then closed.
    const statuses: string[] = [];
    for (let hour = 60; hour < 72; hour++) {
      at(hour);
      statuses.push(router.route({ metricKey: 'm', candidates: readings(hour) }).sources.find((s) => s.sourceId === 'c')!.status);
    }
    expect(statuses).toContain('probing');
    expect(statuses.at(-1)).toBe('used');
    expect(statuses.indexOf('used')).toBeGreaterThan(statuses.indexOf('probing'));
    expect(router.breakers('m').find((b) => b.sourceId === 'c')!.status).toBe('closed');

    for (let hour = 72; hour < 120; hour++) {
      at(hour);
      router.route({ metricKey: 'm', candidates: readings(hour) });
    }
    expect(trustOf(router, 'c')).toBeGreaterThan(trustWhileOpen);
  });

  it('opens a source whose timestamps are old, round after round', () => {
    const { router, at, readings } = setup();
    for (let hour = 0; hour < 10; hour++) {
      at(hour);
      router.route({ metricKey: 'm', candidates: readings(hour) });
    }
    for (let hour = 10; hour < 14; hour++) {
      at(hour);
      const candidates = readings(hour).map((c) => (c.sourceId === 'a' ? { ...c, timestamp: c.timestamp - 6 * HOUR } : c));
      const result = router.route({ metricKey: 'm', candidates });
      expect(['stale', 'open']).toContain(result.sources.find((s) => s.sourceId === 'a')!.status);
    }
    expect(router.breakers('m').find((b) => b.sourceId === 'a')!.reason).toMatch(/stale/);
  });

  it('opens a wildly biased source and keeps it out of the answer', () => {
    const { router, at, readings } = setup();
    let last = 0;
    for (let hour = 0; hour < 30; hour++) {
      at(hour);
      const result = router.route({ metricKey: 'm', candidates: readings(hour, { b: truth(hour) * 3 }) });
      last = result.value;
      expect(Math.abs(result.value - truth(hour))).toBeLessThan(0.1 * truth(hour));
    }
    expect(last).toBeGreaterThan(0);
    expect(router.breakers('m').find((b) => b.sourceId === 'b')!.reason).toMatch(/biased/);
  });

  it('shares the weight of two sources that report exactly the same values', () => {
    const { router, at, readings } = setup();
    let reason = '';
    for (let hour = 0; hour < 10; hour++) {
      at(hour);
      const candidates = [...readings(hour), { sourceId: 'copy', value: truth(hour) * 1.02, timestamp: START + hour * HOUR }];
      reason = router.route({ metricKey: 'm', candidates }).sources.find((s) => s.sourceId === 'copy')!.reason;
    }
    expect(reason).toMatch(/exactly what a does/);
  });
});

describe('source router: advisory mode', () => {
  it('opens no breaker and emits no event, however wrong the readings', () => {
    let clock = START;
    const events: string[] = [];
    const router = createSourceRouter({ now: () => clock, policies: { m: POLICY }, onBreakerChange: (event) => events.push(event.sourceId) });
    for (let hour = 0; hour < 30; hour++) {
      clock = START + hour * HOUR;
      router.route({ metricKey: 'm', mode: 'advisory', candidates: [{ sourceId: 'a', value: truth(hour), timestamp: clock }, { sourceId: 'b', value: truth(hour), timestamp: clock }, { sourceId: 'c', value: 42, timestamp: clock - 5 * HOUR }] });
    }
    expect(events).toEqual([]);
    expect(router.breakers('m')).toEqual([]);
    expect(router.recentDecisions('m', 10)).toEqual([]);
  });

  it('answers like routed mode but changes no state, and compares with a reference source', () => {
    const { router, at, readings } = setup();
    for (let hour = 0; hour < 24; hour++) {
      at(hour);
      router.route({ metricKey: 'm', candidates: readings(hour) });
    }
    const before = JSON.stringify(router.snapshot());
    at(24);
    const routedTwin = createSourceRouter({ now: () => START + 24 * HOUR, policies: { m: POLICY } });
    routedTwin.restore(router.snapshot());
    for (let round = 0; round < 20; round++) {
      const result = router.route({ metricKey: 'm', candidates: readings(24, { c: 999 }), mode: 'advisory', referenceSource: 'c' });
      expect(result.mode).toBe('advisory');
      expect(result.reference).toEqual({ sourceId: 'c', value: 999, difference: 999 - result.value });
    }
    expect(JSON.stringify(router.snapshot())).toBe(before);
    expect(router.recentDecisions('m', 100)).toHaveLength(24);
    // The same request routed for real gives the same answer as the first advisory one did.
    const advisory = router.route({ metricKey: 'm', candidates: readings(24), mode: 'advisory' });
    const routed = routedTwin.route({ metricKey: 'm', candidates: readings(24) });
    expect(advisory.value).toBe(routed.value);
    expect(advisory.confidence).toBe(routed.confidence);
  });
});

describe('source router: never silent, then a clear 503', () => {
  it('gives an honest synthetic value with widening uncertainty, then no_usable_source past the horizon', () => {
    const { router, at, readings } = setup();
    let real = 0;
    for (let hour = 0; hour < 72; hour++) {
      at(hour);
      real = router.route({ metricKey: 'm', candidates: readings(hour) }).confidence;
    }
    const uncertainties: number[] = [];
    for (let hour = 72; hour <= 77; hour++) {
      at(hour);
      const result = router.route({ metricKey: 'm', candidates: [] });
      expect(result.isSynthetic).toBe(true);
      expect(result.strategy).toMatch(/^synthetic-/);
      expect(result.confidence).toBeLessThan(real);
      expect(Math.abs(result.value - truth(hour))).toBeLessThan(20);
      uncertainties.push(result.uncertainty);
    }
    expect(uncertainties.at(-1)).toBeGreaterThanOrEqual(uncertainties[0]);
    at(78);
    try {
      router.route({ metricKey: 'm', candidates: readings(78).map((c) => ({ ...c, timestamp: c.timestamp - 10 * HOUR })) });
      expect.unreachable('past the horizon the router must refuse');
    } catch (error) {
      expect(error).toBeInstanceOf(JunctionError);
      expect((error as JunctionError).code).toBe('no_usable_source');
      expect((error as JunctionError).status).toBe(503);
      expect((error as JunctionError).message).toMatch(/horizon/);
      expect((error as JunctionError).message).toMatch(/3 stale/);
    }
  });

  it('records a refused decision with no value, JSON-safe', () => {
    const { router, at } = setup();
    at(0);
    expect(() => router.route({ metricKey: 'm', candidates: [] })).toThrow(JunctionError);
    const [decision] = router.recentDecisions('m', 1);
    expect(decision.value).toBeNull();
    expect(decision.strategy).toBe('none');
    expect(JSON.parse(JSON.stringify(router.snapshot())).metrics.m.decisions[0].value).toBeNull();
  });

  it('refuses at once when synthetic values are off or there is no history', () => {
    const off = setup({ ...POLICY, synthetic: { allowed: false } });
    off.at(0);
    off.router.route({ metricKey: 'm', candidates: off.readings(0) });
    off.at(1);
    expect(() => off.router.route({ metricKey: 'm', candidates: [] })).toThrow(/synthetic values are off/);
    const fresh = setup();
    fresh.at(0);
    expect(() => fresh.router.route({ metricKey: 'm', candidates: [] })).toThrow(/no earlier answer/);
  });

  it('answers synthetically when fewer sources than the policy minimum are usable', () => {
    const { router, at, readings } = setup({ ...POLICY, minSources: 2 });
    at(0);
    router.route({ metricKey: 'm', candidates: readings(0) });
    at(1);
    expect(router.route({ metricKey: 'm', candidates: readings(1, { b: null, c: null }) }).isSynthetic).toBe(true);
  });
});

describe('source router: health, policies, views and persistence', () => {
  it('leans on the healthier source when health is reported', () => {
    const { router, at } = setup({ ...POLICY, fusion: 'best-source' });
    at(0);
    router.reportHealth([
      { sourceId: 'a', metricKey: 'm', errorRateWin: 0.5, completenessPct: 80, freshnessLagSec: 60 },
      { sourceId: 'b', metricKey: 'm', errorRateWin: 0, completenessPct: 100, freshnessLagSec: 5 },
    ]);
    const result = router.route({ metricKey: 'm', candidates: [{ sourceId: 'a', value: 10, timestamp: START }, { sourceId: 'b', value: 12, timestamp: START }] });
    expect(result.value).toBe(12);
    expect(router.sources('m').find((s) => s.sourceId === 'a')!.health).toBeLessThan(0.5);
  });

  it('sets the cache TTL from confidence', () => {
    const { router, at, readings } = setup();
    at(0);
    const result = router.route({ metricKey: 'm', candidates: readings(0) });
    const expected = result.confidence > 0.9 ? 300_000 : result.confidence > 0.7 ? 180_000 : 60_000;
    expect(result.ttlMs).toBe(expected);
  });

  it('validates policies with readable errors', () => {
    const { router } = setup();
    expect(router.setPolicy('x', { minSources: 2 }).minSources).toBe(2);
    expect(() => router.setPolicy('x', { minSources: 0 })).toThrow(/minSources/);
    expect(() => router.setPolicy('x', { fusion: 'mean' as never })).toThrow(/fusion/);
  });

  it('snapshots to plain data and restores to the same behaviour', () => {
    const { router, at, readings } = setup();
    for (let hour = 0; hour < 30; hour++) {
      at(hour);
      router.route({ metricKey: 'm', candidates: readings(hour, hour > 20 ? { a: 5 } : {}) });
    }
    const copy = createSourceRouter({ now: () => START + 30 * HOUR, policies: { m: POLICY } });
    copy.restore(JSON.parse(JSON.stringify(router.snapshot())));
    at(30);
    const one = router.route({ metricKey: 'm', candidates: readings(30) });
    const two = copy.route({ metricKey: 'm', candidates: readings(30) });
    expect(two.value).toBe(one.value);
    expect(two.confidence).toBe(one.confidence);
    expect(two.sources).toEqual(one.sources);
    expect(copy.recentDecisions('m', 5)[0].value).toBe(one.value);
  });

  it('lists decisions newest first and reads one metric or all', () => {
    const { router, at, readings } = setup();
    for (let hour = 0; hour < 3; hour++) {
      at(hour);
      router.route({ metricKey: 'm', candidates: readings(hour) });
    }
    const decisions = router.recentDecisions('m', 2);
    expect(decisions).toHaveLength(2);
    expect(decisions[0].at).toBeGreaterThan(decisions[1].at);
    expect(router.sources().map((s) => s.sourceId).sort()).toEqual(['a', 'b', 'c']);
    expect(router.sources('other')).toEqual([]);
  });
});
