import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admit, adoptProbe, closedBreaker, cooldownFor, failureRateLowerBound, onResult, release, streakThreshold } from './breaker';
import { DEFAULT_BREAKER_POLICY, type BreakerPolicy, type BreakerState } from './types';

const policy: BreakerPolicy = {
  consecutiveFailures: 3,
  failureRate: 0.5,
  minimumRequests: 10,
  windowMs: 30_000,
  cooldownMs: 1_000,
  maxCooldownMs: 8_000,
  halfOpenProbes: 2,
};

const open = (overrides: Partial<BreakerState> = {}): BreakerState => ({
  status: 'open',
  trips: 1,
  openedAt: 10_000,
  retryAt: 11_000,
  probesInFlight: 0,
  ...overrides,
});
const halfOpen = (overrides: Partial<BreakerState> = {}): BreakerState => ({ status: 'half-open', trips: 1, probesInFlight: 0, ...overrides });
const quiet = { successes: 0, failures: 0 };

describe('admit', () => {
  it.each<[string, BreakerState, number, { admitted: boolean; probe: boolean; status: string; probesInFlight: number }]>([
    ['closed', closedBreaker(), 0, { admitted: true, probe: false, status: 'closed', probesInFlight: 0 }],
    ['open before retryAt', open(), 10_999, { admitted: false, probe: false, status: 'open', probesInFlight: 0 }],
    ['open at retryAt', open(), 11_000, { admitted: true, probe: true, status: 'half-open', probesInFlight: 1 }],
    ['open after retryAt', open(), 50_000, { admitted: true, probe: true, status: 'half-open', probesInFlight: 1 }],
    ['half-open with a free slot', halfOpen({ probesInFlight: 1 }), 0, { admitted: true, probe: true, status: 'half-open', probesInFlight: 2 }],
    ['half-open and full', halfOpen({ probesInFlight: 2 }), 0, { admitted: false, probe: false, status: 'half-open', probesInFlight: 2 }],
    ['open after retryAt, earlier probes still out', open({ probesInFlight: 2 }), 11_000, { admitted: false, probe: false, status: 'half-open', probesInFlight: 2 }],
  ])('%s', (_name, state, now, expected) => {
    const decision = admit(state, policy, now);
    expect({ admitted: decision.admitted, probe: decision.probe, status: decision.next.status, probesInFlight: decision.next.probesInFlight }).toEqual(expected);
  });

  it('says until when it stays open', () => {
    expect(admit(open(), policy, 10_500).reason).toBe('open until 1970-01-01T00:00:11.000Z (500 ms left)');
  });

  it('leaves the state it was given untouched', () => {
    const state = halfOpen();
    admit(state, policy, 0);
    expect(state).toEqual(halfOpen());
  });
});

describe('onResult', () => {
  it.each<[string, BreakerState, 'success' | 'failure', { successes: number; failures: number }, number, boolean, Partial<BreakerState>]>([
    ['closed success', closedBreaker(), 'success', { successes: 1, failures: 0 }, 0, false, { status: 'closed' }],
    ['closed failure below both thresholds', closedBreaker(), 'failure', { successes: 5, failures: 4 }, 2, false, { status: 'closed' }],
    ['closed failure reaching consecutive failures', closedBreaker(), 'failure', { successes: 0, failures: 3 }, 3, false, { status: 'open', trips: 1, openedAt: 5_000, retryAt: 6_000 }],
    ['closed failure confidently above the failure rate', closedBreaker(), 'failure', { successes: 1, failures: 9 }, 1, false, { status: 'open', trips: 1, retryAt: 6_000 }],
    ['closed failure at the rate on too little evidence', closedBreaker(), 'failure', { successes: 5, failures: 5 }, 1, false, { status: 'closed' }],
    ['closed failure at the rate but under minimum requests', closedBreaker(), 'failure', { successes: 4, failures: 5 }, 1, false, { status: 'closed' }],
    ['half-open probe success', halfOpen({ trips: 3, probesInFlight: 1 }), 'success', quiet, 0, true, { status: 'closed', trips: 0, probesInFlight: 0 }],
    ['half-open probe failure', halfOpen({ trips: 1, probesInFlight: 1 }), 'failure', quiet, 1, true, { status: 'open', trips: 2, openedAt: 5_000, retryAt: 7_000, probesInFlight: 0 }],
    ['half-open non-probe success', halfOpen({ probesInFlight: 1 }), 'success', quiet, 0, false, { status: 'half-open', probesInFlight: 1 }],
    ['half-open non-probe failure', halfOpen({ probesInFlight: 1 }), 'failure', quiet, 9, false, { status: 'half-open', probesInFlight: 1 }],
    ['open, late probe success', open({ probesInFlight: 1 }), 'success', quiet, 0, true, { status: 'open', retryAt: 11_000, probesInFlight: 0 }],
    ['open, late non-probe failure', open(), 'failure', { successes: 0, failures: 20 }, 20, false, { status: 'open', retryAt: 11_000, trips: 1 }],
  ])('%s', (_name, state, verdict, window, consecutive, wasProbe, expected) => {
    expect(onResult(state, verdict, window, consecutive, policy, 5_000, wasProbe)).toMatchObject(expected);
  });

  it('caps the cool-down of a breaker that keeps failing', () => {
    expect(onResult(halfOpen({ trips: 10, probesInFlight: 1 }), 'failure', quiet, 1, policy, 5_000, true)).toMatchObject({ status: 'open', retryAt: 13_000 });
  });
});

describe('states as shared values', () => {
  it('hands back the very state it was given when nothing changes', () => {
    const closed = closedBreaker();
    expect(admit(closed, policy, 0).next).toBe(closed);
    expect(onResult(closed, 'success', { successes: 5, failures: 0 }, 0, policy, 0, false)).toBe(closed);
    expect(onResult(closed, 'failure', { successes: 5, failures: 1 }, 1, policy, 0, false)).toBe(closed);
    expect(release(closed, false)).toBe(closed);
    const waiting = open();
    expect(admit(waiting, policy, 10_500).next).toBe(waiting);
  });

  it('freezes every state it makes, so stores can share them', () => {
    const tripped = onResult(closedBreaker(), 'failure', quiet, 3, policy, 0, false);
    const probing = admit(tripped, policy, 1_000).next;
    const closedAgain = onResult(probing, 'success', quiet, 0, policy, 1_100, true);
    for (const state of [closedBreaker(), tripped, probing, closedAgain, release(halfOpen({ probesInFlight: 1 }), true)]) {
      expect(Object.isFrozen(state)).toBe(true);
    }
  });
});

describe('release', () => {
  it.each<[string, BreakerState, boolean, number]>([
    ['frees a probe slot', halfOpen({ probesInFlight: 2 }), true, 1],
    ['leaves slots alone for a non-probe', halfOpen({ probesInFlight: 2 }), false, 2],
    ['never goes below zero', halfOpen({ probesInFlight: 0 }), true, 0],
  ])('%s', (_name, state, wasProbe, expected) => {
    expect(release(state, wasProbe).probesInFlight).toBe(expected);
    expect(release(state, wasProbe).status).toBe(state.status);
  });
});

describe("adoptProbe (another replica's probe decides this breaker)", () => {
  it.each<[string, BreakerState, 'success' | 'failure', Partial<BreakerState>]>([
    ['open, before its own retry time, closes on success', open(), 'success', { status: 'closed', trips: 0, probesInFlight: 0 }],
    ['half-open with its own probe out closes on success, its probe still counted', halfOpen({ probesInFlight: 1 }), 'success', { status: 'closed', probesInFlight: 1 }],
    ['open re-opens on failure with the next, longer cool-down', open(), 'failure', { status: 'open', trips: 2, retryAt: 20_000 + 2_000, probesInFlight: 0 }],
    ['half-open re-opens on failure, its own probe still counted', halfOpen({ probesInFlight: 1 }), 'failure', { status: 'open', trips: 2, probesInFlight: 1 }],
  ])('%s', (_name, state, verdict, expected) => {
    expect(onResult(adoptProbe(state), verdict, quiet, verdict === 'failure' ? 1 : 0, policy, 20_000, true)).toMatchObject(expected);
  });

  it('leaves a closed breaker as it is', () => {
    const closed = closedBreaker();
    expect(adoptProbe(closed)).toBe(closed);
  });
});

describe('cooldownFor', () => {
  it.each([
    [0, 1_000],
    [1, 2_000],
    [2, 4_000],
    [3, 8_000],
    [4, 8_000],
    [2_000, 8_000],
  ])('after %d trips waits %d ms', (trips, expected) => {
    expect(cooldownFor(trips, policy)).toBe(expected);
  });
});

const policies = fc
  .record({
    consecutiveFailures: fc.integer({ min: 1, max: 10 }),
    failureRate: fc.double({ min: 0.05, max: 1, noNaN: true }),
    minimumRequests: fc.integer({ min: 1, max: 20 }),
    windowMs: fc.integer({ min: 1_000, max: 60_000 }),
    cooldownMs: fc.integer({ min: 1, max: 10_000 }),
    extraCooldownMs: fc.integer({ min: 0, max: 100_000 }),
    halfOpenProbes: fc.integer({ min: 1, max: 5 }),
  })
  .map(({ extraCooldownMs, ...rest }): BreakerPolicy => ({ ...rest, maxCooldownMs: rest.cooldownMs + extraCooldownMs }));

type Step =
  | { kind: 'admit'; advanceMs: number }
  | { kind: 'finish'; pick: number; verdict: 'success' | 'failure' | 'neutral' };

const steps = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('admit' as const), advanceMs: fc.integer({ min: 0, max: 3_000 }) }),
    fc.record({ kind: fc.constant('finish' as const), pick: fc.nat(), verdict: fc.constantFrom('success' as const, 'failure' as const, 'neutral' as const) }),
  ),
  { maxLength: 300 },
);

describe('breaker properties', () => {
  it('never has more than halfOpenProbes probes out at once, and counts them exactly', () => {
    fc.assert(
      fc.property(policies, steps, (breakerPolicy, script: Step[]) => {
        let state: BreakerState = open({ openedAt: 0, retryAt: 1_000 });
        let now = 0;
        let consecutiveFailures = 0;
        const outstanding: boolean[] = [];
        for (const step of script) {
          if (step.kind === 'admit') {
            now += step.advanceMs;
            const decision = admit(state, breakerPolicy, now);
            state = decision.next;
            if (decision.admitted) outstanding.push(decision.probe);
          } else if (outstanding.length > 0) {
            const [wasProbe] = outstanding.splice(step.pick % outstanding.length, 1);
            if (step.verdict === 'neutral') {
              state = release(state, wasProbe);
            } else {
              consecutiveFailures = step.verdict === 'failure' ? consecutiveFailures + 1 : 0;
              state = onResult(state, step.verdict, quiet, consecutiveFailures, breakerPolicy, now, wasProbe);
            }
          }
          const probesOut = outstanding.filter(Boolean).length;
          expect(state.probesInFlight).toBe(probesOut);
          expect(probesOut).toBeLessThanOrEqual(breakerPolicy.halfOpenProbes);
        }
      }),
    );
  });

  it('lengthens the cool-down on every repeated trip, never past the cap', () => {
    fc.assert(
      fc.property(policies, fc.integer({ min: 1, max: 40 }), (breakerPolicy, trips) => {
        let now = 0;
        let state = onResult(closedBreaker(), 'failure', quiet, breakerPolicy.consecutiveFailures, breakerPolicy, now, false);
        const cooldowns = [(state.retryAt as number) - (state.openedAt as number)];
        for (let trip = 1; trip < trips; trip += 1) {
          now = state.retryAt as number;
          const decision = admit(state, breakerPolicy, now);
          expect(decision.probe).toBe(true);
          state = onResult(decision.next, 'failure', quiet, 1, breakerPolicy, now, true);
          cooldowns.push((state.retryAt as number) - (state.openedAt as number));
        }
        expect(cooldowns[0]).toBe(breakerPolicy.cooldownMs);
        for (let index = 1; index < cooldowns.length; index += 1) expect(cooldowns[index]).toBeGreaterThanOrEqual(cooldowns[index - 1]);
        for (const cooldown of cooldowns) expect(cooldown).toBeLessThanOrEqual(breakerPolicy.maxCooldownMs);
        expect(state.trips).toBe(trips);
      }),
    );
  });

  it('never opens a closed breaker on a success', () => {
    fc.assert(
      fc.property(
        policies,
        fc.nat({ max: 1_000 }),
        fc.nat({ max: 1_000 }),
        fc.nat({ max: 1_000 }),
        fc.nat({ max: 3 }),
        fc.boolean(),
        (breakerPolicy, successes, failures, consecutiveFailures, probesInFlight, wasProbe) => {
          const state: BreakerState = { ...closedBreaker(), probesInFlight };
          const next = onResult(state, 'success', { successes, failures }, consecutiveFailures, breakerPolicy, 0, wasProbe);
          expect(next.status).toBe('closed');
        },
      ),
    );
  });
});

describe('failure-rate lower bound (Wilson, 95%)', () => {
  it.each([
    [10, 10, 0.72],
    [9, 10, 0.6],
    [5, 10, 0.24],
    [60, 100, 0.5],
    [0, 50, 0],
  ])('%i failures in %i requests → about %d', (failures, requests, expected) => {
    expect(failureRateLowerBound(failures, requests)).toBeCloseTo(expected, 1);
  });

  it('never exceeds the observed rate (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (requests, share) => {
        const failures = Math.round(share * requests);
        const bound = failureRateLowerBound(failures, requests);
        expect(bound).toBeLessThanOrEqual(failures / requests + 1e-12);
        expect(bound).toBeGreaterThanOrEqual(-1e-12);
      }),
    );
  });
});

describe('streak threshold scales with the deployment\'s own failure rate', () => {
  const policy = { ...DEFAULT_BREAKER_POLICY, consecutiveFailures: 5, minimumRequests: 10 };
  it.each([
    ['too few requests to judge', { successes: 3, failures: 3 }, 5],
    ['no failures lately', { successes: 1_000, failures: 0 }, 5],
    ['a 1% baseline', { successes: 990, failures: 10 }, 5],
    ['a 30% baseline', { successes: 700, failures: 300 }, 12],
    ['a 50% baseline', { successes: 500, failures: 500 }, 20],
    ['all failing', { successes: 0, failures: 50 }, 5],
  ])('%s → %i in a row', (_name, window, expected) => {
    expect(streakThreshold(window, policy)).toBe(expected);
  });

  it('keeps a 30%-failing deployment closed through five failures in a row, and opens on an improbable streak', () => {
    const window = { successes: 700, failures: 300 };
    const strict = { ...policy, failureRate: 0.9 };
    expect(onResult(closedBreaker(), 'failure', window, 5, strict, 0, false).status).toBe('closed');
    expect(onResult(closedBreaker(), 'failure', window, 12, strict, 0, false).status).toBe('open');
  });
});
