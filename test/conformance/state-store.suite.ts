/**
 * The shared conformance suite every StateStore implementation runs (CONVENTIONS: one suite
 * per port). Time is always passed in, so no test waits. It pins the contract beyond the types:
 * - unknown deployments read as fresh (closed breaker, success rate 1) and deployments are independent;
 * - the breaker opens on consecutive failures or on the failure rate over the window, stays open
 *   until retryAt, then admits at most `halfOpenProbes` probes however admits race, and answers an
 *   admit given no time to wait (`timeoutMs` 0) with that same decision;
 * - a probe success closes it (with a fresh window); a probe failure re-opens it with a doubled,
 *   capped cool-down; a probe that ends with no verdict frees its slot;
 * - a 429 cools the deployment down without counting as a failure; a 401/403 marks it
 *   misconfigured until a success or `reset`; a neutral result moves nothing but in-flight;
 * - in-flight, per-minute requests/tokens, EWMA latency/TTFT and the TTFT p95 are reported;
 * - a snapshot is a value: later updates never change one already handed out, and a read at
 *   time t shows the record as at t, whatever was read before (stores may reuse snapshots).
 * `create` must return a new, empty store using the given settings for every deployment.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { BreakerPolicy } from '../../src/resilience/types';
import type { AttemptResult, HealthSnapshot } from '../../src/routing/health';
import type { StateStore } from '../../src/state/types';

/** What the suite asks of a new store. */
export interface StateStoreSuiteSettings {
  policy: BreakerPolicy;
  /** Weight of a new sample in the latency and TTFT averages. */
  ewmaAlpha: number;
}

export interface StateStoreSuiteOptions {
  create: (settings: StateStoreSuiteSettings) => StateStore | Promise<StateStore>;
}

const T = 1_700_000_020_000; // 40 s into a minute, so +20 s crosses into the next one.
const DEPLOYMENT = 'gpt-4o@openai';

const basePolicy: BreakerPolicy = {
  consecutiveFailures: 3,
  failureRate: 0.5,
  minimumRequests: 10,
  windowMs: 10_000,
  cooldownMs: 1_000,
  maxCooldownMs: 4_000,
  halfOpenProbes: 1,
};

const success = (overrides: Partial<AttemptResult> = {}): AttemptResult => ({ verdict: 'success', latencyMs: 100, tokens: 0, ...overrides });
const failure = (overrides: Partial<AttemptResult> = {}): AttemptResult => ({
  verdict: 'failure',
  latencyMs: 30,
  tokens: 0,
  errorCode: 'upstream_server_error',
  errorMessage: 'upstream answered 500',
  ...overrides,
});

export function runStateStoreSuite(name: string, options: StateStoreSuiteOptions): void {
  describe(`state store conformance: ${name}`, () => {
    const opened: StateStore[] = [];

    async function open(policy: Partial<BreakerPolicy> = {}, ewmaAlpha = 0.5): Promise<StateStore> {
      const store = await options.create({ policy: { ...basePolicy, ...policy }, ewmaAlpha });
      opened.push(store);
      return store;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    /** One whole attempt, as the executor would run it. */
    function run(store: StateStore, result: AttemptResult, now: number, probe = false, deployment = DEPLOYMENT): void {
      store.attemptStarted(deployment, now);
      store.attemptEnded(deployment, { ...result, probe }, now);
    }

    /** Trips the breaker at `now` with consecutive failures. */
    function trip(store: StateStore, now: number): void {
      for (let index = 0; index < basePolicy.consecutiveFailures; index += 1) run(store, failure(), now);
    }

    describe('snapshots', () => {
      it('reads an unknown deployment as fresh', async () => {
        const store = await open();
        const expected: HealthSnapshot = {
          deployment: 'never-seen',
          latencyMs: undefined,
          ttftMs: undefined,
          ttftP95Ms: undefined,
          successRate: 1,
          windowRequests: 0,
          consecutiveFailures: 0,
          inFlight: 0,
          requestsThisMinute: 0,
          tokensThisMinute: 0,
          breaker: { status: 'closed', trips: 0, probesInFlight: 0 },
          misconfigured: false,
        };
        expect(store.snapshot('never-seen', T)).toEqual(expected);
      });

      it('keeps deployments apart', async () => {
        const store = await open();
        trip(store, T);
        store.attemptStarted(DEPLOYMENT, T);
        expect(store.snapshot(DEPLOYMENT, T).breaker.status).toBe('open');
        expect(store.snapshot('other', T)).toMatchObject({ breaker: { status: 'closed' }, consecutiveFailures: 0, inFlight: 0 });
        expect(await store.admit('other', T)).toMatchObject({ admitted: true, probe: false });
      });

      it('counts in-flight attempts up and down, never below zero', async () => {
        const store = await open();
        store.attemptStarted(DEPLOYMENT, T);
        store.attemptStarted(DEPLOYMENT, T);
        store.attemptStarted(DEPLOYMENT, T);
        expect(store.snapshot(DEPLOYMENT, T).inFlight).toBe(3);
        store.attemptEnded(DEPLOYMENT, { ...success(), probe: false }, T);
        store.attemptEnded(DEPLOYMENT, { ...failure(), probe: false }, T);
        expect(store.snapshot(DEPLOYMENT, T).inFlight).toBe(1);
        store.attemptEnded(DEPLOYMENT, { verdict: 'neutral', latencyMs: 5, tokens: 0, probe: false }, T);
        store.attemptEnded(DEPLOYMENT, { verdict: 'neutral', latencyMs: 5, tokens: 0, probe: false }, T);
        expect(store.snapshot(DEPLOYMENT, T).inFlight).toBe(0);
      });

      it('counts requests and tokens per minute and rolls over', async () => {
        const store = await open();
        run(store, success({ tokens: 120 }), T);
        run(store, success({ tokens: 80 }), T + 19_999);
        expect(store.snapshot(DEPLOYMENT, T + 19_999)).toMatchObject({ requestsThisMinute: 2, tokensThisMinute: 200 });
        expect(store.snapshot(DEPLOYMENT, T + 20_000)).toMatchObject({ requestsThisMinute: 0, tokensThisMinute: 0 });
        run(store, success({ tokens: 7 }), T + 20_000);
        expect(store.snapshot(DEPLOYMENT, T + 21_000)).toMatchObject({ requestsThisMinute: 1, tokensThisMinute: 7 });
      });

      it('counts the tokens an attempt spent whatever its verdict', async () => {
        const store = await open();
        run(store, { verdict: 'neutral', latencyMs: 900, tokens: 50, errorCode: 'client_closed' }, T);
        run(store, failure({ tokens: 30, errorCode: 'upstream_stream_truncated' }), T);
        expect(store.snapshot(DEPLOYMENT, T).tokensThisMinute).toBe(80);
      });

      it('reports EWMA latency and TTFT from successes only', async () => {
        const store = await open({}, 0.5);
        run(store, success({ latencyMs: 100, ttftMs: 40 }), T);
        expect(store.snapshot(DEPLOYMENT, T)).toMatchObject({ latencyMs: 100, ttftMs: 40, ttftP95Ms: 40 });
        run(store, success({ latencyMs: 200, ttftMs: 80 }), T);
        run(store, failure({ latencyMs: 5_000 }), T);
        run(store, success({ latencyMs: 300 }), T);
        const snapshot = store.snapshot(DEPLOYMENT, T);
        expect(snapshot.latencyMs).toBeCloseTo(225, 9);
        expect(snapshot.ttftMs).toBeCloseTo(60, 9);
      });

      it('reports the TTFT p95 over the last 100 samples', async () => {
        const store = await open();
        for (let ttft = 150; ttft >= 1; ttft -= 1) run(store, success({ ttftMs: ttft }), T);
        // The newest 100 samples are 1..100; nearest rank 95 of them is 95.
        expect(store.snapshot(DEPLOYMENT, T).ttftP95Ms).toBe(95);
      });

      it('reports the success rate and requests over the window', async () => {
        const store = await open({ consecutiveFailures: 100, minimumRequests: 100 });
        run(store, failure(), T);
        run(store, success(), T + 5_000);
        run(store, success(), T + 6_000);
        run(store, failure(), T + 6_000);
        expect(store.snapshot(DEPLOYMENT, T + 6_000)).toMatchObject({ successRate: 0.5, windowRequests: 4, consecutiveFailures: 1 });
        // The first failure is now older than the window; the rest are well inside it.
        expect(store.snapshot(DEPLOYMENT, T + 10_500)).toMatchObject({ successRate: 2 / 3, windowRequests: 3 });
        expect(store.snapshot(DEPLOYMENT, T + 30_000)).toMatchObject({ successRate: 1, windowRequests: 0 });
      });

      it('hands out values: a snapshot taken before an update keeps what it showed', async () => {
        const store = await open({ consecutiveFailures: 1, minimumRequests: 100 });
        const blank = store.snapshot(DEPLOYMENT, T);
        const blankCopy = structuredClone(blank);
        run(store, success({ latencyMs: 100, ttftMs: 40, tokens: 10 }), T);
        const healthy = store.snapshot(DEPLOYMENT, T);
        const healthyCopy = structuredClone(healthy);
        store.attemptStarted(DEPLOYMENT, T + 1);
        run(store, failure({ latencyMs: 900, errorCode: 'upstream_timeout' }), T + 1);
        const tripped = store.snapshot(DEPLOYMENT, T + 1);
        const trippedCopy = structuredClone(tripped);
        run(store, { verdict: 'rate-limited', latencyMs: 5, tokens: 3, errorCode: 'upstream_rate_limited', retryAfterMs: 5_000 }, T + 2);
        expect(await store.admit(DEPLOYMENT, T + 1 + 1_000)).toMatchObject({ admitted: true, probe: true });
        run(store, success({ latencyMs: 300, ttftMs: 90 }), T + 1_002, true);

        expect(blank).toEqual(blankCopy);
        expect(healthy).toEqual(healthyCopy);
        expect(tripped).toEqual(trippedCopy);
        expect(tripped).toMatchObject({ inFlight: 1, consecutiveFailures: 1, breaker: { status: 'open', probesInFlight: 0 }, lastError: { code: 'upstream_timeout' } });
        // The store itself did move on.
        expect(store.snapshot(DEPLOYMENT, T + 1_002)).toMatchObject({
          inFlight: 1,
          consecutiveFailures: 0,
          breaker: { status: 'closed', probesInFlight: 0 },
          lastError: { code: 'upstream_rate_limited' },
          coolingDownUntil: T + 5_002,
          requestsThisMinute: 5,
          tokensThisMinute: 13,
        });
      });

      it('follows the clock on reads with no write in between (window, minute, cool-down), forwards and back', async () => {
        const store = await open({ consecutiveFailures: 100, minimumRequests: 100 });
        run(store, failure(), T);
        run(store, { verdict: 'rate-limited', latencyMs: 5, tokens: 7, errorCode: 'upstream_rate_limited', retryAfterMs: 2_500 }, T);
        const atStart = { windowRequests: 1, successRate: 0, requestsThisMinute: 2, tokensThisMinute: 7, coolingDownUntil: T + 2_500 };
        expect(store.snapshot(DEPLOYMENT, T)).toMatchObject(atStart);
        expect(store.snapshot(DEPLOYMENT, T + 2_499)).toMatchObject(atStart);
        expect(store.snapshot(DEPLOYMENT, T + 2_500).coolingDownUntil).toBeUndefined();
        // The window is 10 s; T sits on a bucket edge, so the failure leaves at T + 10 s exactly.
        expect(store.snapshot(DEPLOYMENT, T + 9_999)).toMatchObject({ windowRequests: 1, successRate: 0 });
        expect(store.snapshot(DEPLOYMENT, T + 10_000)).toMatchObject({ windowRequests: 0, successRate: 1 });
        // The minute turns at T + 20 s.
        expect(store.snapshot(DEPLOYMENT, T + 19_999)).toMatchObject({ requestsThisMinute: 2, tokensThisMinute: 7 });
        expect(store.snapshot(DEPLOYMENT, T + 20_000)).toMatchObject({ requestsThisMinute: 0, tokensThisMinute: 0 });
        // A clock stepped back reads the past as it was.
        expect(store.snapshot(DEPLOYMENT, T)).toMatchObject(atStart);
      });

      it('reports a p95 of the newest samples once the ring has wrapped more than once', async () => {
        const store = await open();
        for (let index = 0; index < 100; index += 1) run(store, success({ ttftMs: 1_000 }), T);
        for (let index = 0; index < 50; index += 1) run(store, success({ ttftMs: 10 }), T);
        expect(store.snapshot(DEPLOYMENT, T).ttftP95Ms).toBe(1_000);
        for (let index = 0; index < 150; index += 1) run(store, success({ ttftMs: 10 + (index % 20) }), T);
        // The newest 100 samples: 10..29, five times each; nearest rank 95 of them is 28.
        expect(store.snapshot(DEPLOYMENT, T).ttftP95Ms).toBe(28);
      });

      it('records the last error', async () => {
        const store = await open();
        run(store, failure({ errorCode: 'upstream_timeout', errorMessage: 'no answer in 30 s' }), T + 5);
        expect(store.snapshot(DEPLOYMENT, T + 10).lastError).toEqual({ code: 'upstream_timeout', message: 'no answer in 30 s', at: T + 5 });
      });
    });

    describe('breaker', () => {
      it('opens after the configured consecutive failures', async () => {
        const store = await open();
        run(store, failure(), T);
        run(store, failure(), T);
        expect(await store.admit(DEPLOYMENT, T)).toMatchObject({ admitted: true, probe: false });
        run(store, failure(), T);
        const admission = await store.admit(DEPLOYMENT, T + 1);
        expect(admission).toMatchObject({ admitted: false, probe: false });
        expect(admission.reason).toMatch(/open/);
        expect(store.snapshot(DEPLOYMENT, T + 1)).toMatchObject({
          consecutiveFailures: 3,
          breaker: { status: 'open', trips: 1, openedAt: T, retryAt: T + 1_000 },
        });
      });

      it('starts the consecutive count again after a success', async () => {
        const store = await open();
        run(store, failure(), T);
        run(store, failure(), T);
        run(store, success(), T);
        run(store, failure(), T);
        run(store, failure(), T);
        expect(store.snapshot(DEPLOYMENT, T)).toMatchObject({ consecutiveFailures: 2, breaker: { status: 'closed' } });
      });

      it('opens on the failure rate once the window holds enough requests', async () => {
        const store = await open({ consecutiveFailures: 100, minimumRequests: 10, failureRate: 0.5 });
        run(store, success(), T);
        for (let index = 1; index < 9; index += 1) run(store, failure(), T + index);
        expect(store.snapshot(DEPLOYMENT, T + 9).breaker.status).toBe('closed');
        run(store, failure(), T + 9);
        expect(store.snapshot(DEPLOYMENT, T + 9).breaker).toMatchObject({ status: 'open', retryAt: T + 9 + 1_000 });
      });

      it('does not open on a failure rate that is only noise (5 of 10 against a 50% threshold)', async () => {
        const store = await open({ consecutiveFailures: 100, minimumRequests: 10, failureRate: 0.5 });
        for (let index = 0; index < 10; index += 1) run(store, index % 2 === 0 ? success() : failure(), T + index);
        expect(store.snapshot(DEPLOYMENT, T + 10).breaker.status).toBe('closed');
      });

      it('does not count failures that have left the window', async () => {
        const store = await open({ consecutiveFailures: 100, minimumRequests: 4, failureRate: 0.5 });
        run(store, failure(), T);
        run(store, failure(), T);
        run(store, failure(), T);
        run(store, success(), T + 10_000);
        run(store, failure(), T + 10_000);
        expect(store.snapshot(DEPLOYMENT, T + 10_000)).toMatchObject({ windowRequests: 2, breaker: { status: 'closed' } });
      });

      it('stays open until retryAt, then admits a probe', async () => {
        const store = await open();
        trip(store, T);
        expect((await store.admit(DEPLOYMENT, T + 999)).admitted).toBe(false);
        expect(await store.admit(DEPLOYMENT, T + 1_000)).toMatchObject({ admitted: true, probe: true });
        expect(store.snapshot(DEPLOYMENT, T + 1_000).breaker).toMatchObject({ status: 'half-open', probesInFlight: 1 });
      });

      it.each([1, 3])('admits at most %d probe(s) when admits race', async (halfOpenProbes) => {
        const store = await open({ halfOpenProbes });
        trip(store, T);
        const admissions = await Promise.all(Array.from({ length: 12 }, () => store.admit(DEPLOYMENT, T + 1_000)));
        expect(admissions.filter((admission) => admission.admitted && admission.probe)).toHaveLength(halfOpenProbes);
        expect(admissions.filter((admission) => admission.admitted && !admission.probe)).toHaveLength(0);
        expect(store.snapshot(DEPLOYMENT, T + 1_000).breaker.probesInFlight).toBe(halfOpenProbes);
      });

      it('gives the breaker’s decision to an admit with no time to wait, still at most halfOpenProbes probes', async () => {
        const store = await open();
        trip(store, T);
        expect((await store.admit(DEPLOYMENT, T + 999, 0)).admitted).toBe(false);
        expect(await store.admit(DEPLOYMENT, T + 1_000, 0)).toMatchObject({ admitted: true, probe: true });
        expect((await store.admit(DEPLOYMENT, T + 1_000, 0)).admitted).toBe(false);
        run(store, success(), T + 1_050, true);
        expect(await store.admit(DEPLOYMENT, T + 1_100, 0)).toMatchObject({ admitted: true, probe: false });
      });

      it('closes on a probe success, with trips and the window reset', async () => {
        const store = await open();
        trip(store, T);
        const probe = await store.admit(DEPLOYMENT, T + 1_000);
        run(store, success(), T + 1_050, probe.probe);
        expect(store.snapshot(DEPLOYMENT, T + 1_050)).toMatchObject({
          consecutiveFailures: 0,
          successRate: 1,
          breaker: { status: 'closed', trips: 0, probesInFlight: 0 },
        });
        expect(await store.admit(DEPLOYMENT, T + 1_100)).toMatchObject({ admitted: true, probe: false });
        run(store, failure(), T + 1_100);
        expect(store.snapshot(DEPLOYMENT, T + 1_100).breaker.status).toBe('closed');
      });

      it('re-opens on a probe failure with a doubled cool-down, capped', async () => {
        const store = await open({ cooldownMs: 1_000, maxCooldownMs: 4_000 });
        trip(store, T);
        let now = T;
        const cooldowns: number[] = [];
        for (let round = 0; round < 4; round += 1) {
          const { breaker } = store.snapshot(DEPLOYMENT, now);
          cooldowns.push((breaker.retryAt as number) - (breaker.openedAt as number));
          now = breaker.retryAt as number;
          const probe = await store.admit(DEPLOYMENT, now);
          expect(probe).toMatchObject({ admitted: true, probe: true });
          run(store, failure(), now, true);
        }
        expect(cooldowns).toEqual([1_000, 2_000, 4_000, 4_000]);
        expect(store.snapshot(DEPLOYMENT, now).breaker).toMatchObject({ status: 'open', trips: 5, probesInFlight: 0 });
      });

      it('frees the slot of a probe that ended with no verdict', async () => {
        const store = await open({ halfOpenProbes: 1 });
        trip(store, T);
        expect((await store.admit(DEPLOYMENT, T + 1_000)).probe).toBe(true);
        expect((await store.admit(DEPLOYMENT, T + 1_000)).admitted).toBe(false);
        run(store, { verdict: 'neutral', latencyMs: 3, tokens: 0, errorCode: 'client_closed' }, T + 1_001, true);
        expect(store.snapshot(DEPLOYMENT, T + 1_001).breaker).toMatchObject({ status: 'half-open', probesInFlight: 0 });
        expect(await store.admit(DEPLOYMENT, T + 1_002)).toMatchObject({ admitted: true, probe: true });
      });

      it('never lets more than halfOpenProbes probes out, whatever the interleaving', async () => {
        const step = fc.oneof(
          fc.record({ kind: fc.constant('admit' as const), count: fc.integer({ min: 1, max: 4 }) }),
          fc.record({ kind: fc.constant('end' as const), pick: fc.nat(), verdict: fc.constantFrom('success' as const, 'failure' as const, 'neutral' as const, 'rate-limited' as const) }),
          fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 3_000 }) }),
        );
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.array(step, { maxLength: 40 }), async (halfOpenProbes, steps) => {
            const store = await options.create({ policy: { ...basePolicy, halfOpenProbes }, ewmaAlpha: 0.5 });
            try {
              trip(store, T);
              let now = T;
              const outstanding: boolean[] = [];
              for (const next of steps) {
                if (next.kind === 'wait') now += next.ms;
                if (next.kind === 'admit') {
                  const admissions = await Promise.all(Array.from({ length: next.count }, () => store.admit(DEPLOYMENT, now)));
                  for (const admission of admissions) {
                    if (!admission.admitted) continue;
                    store.attemptStarted(DEPLOYMENT, now);
                    outstanding.push(admission.probe);
                  }
                }
                if (next.kind === 'end' && outstanding.length > 0) {
                  const [probe] = outstanding.splice(next.pick % outstanding.length, 1);
                  const result = next.verdict === 'failure' ? failure() : { verdict: next.verdict, latencyMs: 10, tokens: 0 };
                  store.attemptEnded(DEPLOYMENT, { ...result, probe }, now);
                }
                const probesOut = outstanding.filter(Boolean).length;
                expect(probesOut).toBeLessThanOrEqual(halfOpenProbes);
                expect(store.snapshot(DEPLOYMENT, now)).toMatchObject({ inFlight: outstanding.length, breaker: { probesInFlight: probesOut } });
              }
            } finally {
              await store.close();
            }
          }),
          { numRuns: 50 },
        );
      });
    });

    describe('verdicts other than success and failure', () => {
      it('cools down on a 429 for Retry-After without counting a failure', async () => {
        const store = await open({ consecutiveFailures: 1, minimumRequests: 1 });
        run(store, { verdict: 'rate-limited', latencyMs: 20, tokens: 0, errorCode: 'upstream_rate_limited', errorMessage: 'slow down', retryAfterMs: 7_000 }, T);
        expect(store.snapshot(DEPLOYMENT, T)).toMatchObject({
          coolingDownUntil: T + 7_000,
          consecutiveFailures: 0,
          windowRequests: 0,
          breaker: { status: 'closed' },
          lastError: { code: 'upstream_rate_limited', message: 'slow down', at: T },
        });
        expect(await store.admit(DEPLOYMENT, T)).toMatchObject({ admitted: true });
        expect(store.snapshot(DEPLOYMENT, T + 7_000).coolingDownUntil).toBeUndefined();
      });

      it('cools down for one second when the 429 named no Retry-After', async () => {
        const store = await open();
        run(store, { verdict: 'rate-limited', latencyMs: 20, tokens: 0, errorCode: 'upstream_rate_limited' }, T);
        expect(store.snapshot(DEPLOYMENT, T).coolingDownUntil).toBe(T + 1_000);
      });

      it('marks a deployment misconfigured on 401/403 until a success', async () => {
        const store = await open({ consecutiveFailures: 1, minimumRequests: 1 });
        run(store, { verdict: 'misconfigured', latencyMs: 15, tokens: 0, errorCode: 'upstream_auth', errorMessage: 'invalid api key' }, T);
        expect(store.snapshot(DEPLOYMENT, T)).toMatchObject({
          misconfigured: true,
          consecutiveFailures: 0,
          breaker: { status: 'closed' },
          lastError: { code: 'upstream_auth', message: 'invalid api key', at: T },
        });
        run(store, success(), T + 1);
        expect(store.snapshot(DEPLOYMENT, T + 1).misconfigured).toBe(false);
      });

      it('clears misconfigured and cool-down on reset, and nothing else', async () => {
        const store = await open({ consecutiveFailures: 100 });
        run(store, failure(), T);
        run(store, { verdict: 'misconfigured', latencyMs: 15, tokens: 0, errorCode: 'upstream_auth' }, T);
        run(store, { verdict: 'rate-limited', latencyMs: 15, tokens: 0, errorCode: 'upstream_rate_limited', retryAfterMs: 60_000 }, T);
        store.reset(DEPLOYMENT);
        const snapshot = store.snapshot(DEPLOYMENT, T);
        expect(snapshot.misconfigured).toBe(false);
        expect(snapshot.coolingDownUntil).toBeUndefined();
        expect(snapshot).toMatchObject({ consecutiveFailures: 1, windowRequests: 1 });
      });

      it('forgets a deployment entirely: breaker closed, no history', async () => {
        const store = await open({ consecutiveFailures: 1, minimumRequests: 1 });
        run(store, failure(), T);
        expect(store.snapshot(DEPLOYMENT, T).breaker.status).toBe('open');
        store.forget(DEPLOYMENT);
        const snapshot = store.snapshot(DEPLOYMENT, T);
        expect(snapshot.breaker.status).toBe('closed');
        expect(snapshot).toMatchObject({ consecutiveFailures: 0, windowRequests: 0, successRate: 1, latencyMs: undefined });
        expect((await store.admit(DEPLOYMENT, T)).admitted).toBe(true);
      });

      it('moves nothing but in-flight on a neutral result', async () => {
        const store = await open({ consecutiveFailures: 1, minimumRequests: 1 });
        run(store, success({ latencyMs: 100, ttftMs: 50 }), T);
        const before = store.snapshot(DEPLOYMENT, T);
        store.attemptStarted(DEPLOYMENT, T);
        expect(store.snapshot(DEPLOYMENT, T).inFlight).toBe(1);
        store.attemptEnded(DEPLOYMENT, { verdict: 'neutral', latencyMs: 9_000, ttftMs: 9_000, tokens: 0, errorCode: 'upstream_bad_request', errorMessage: 'bad', probe: false }, T);
        const after = store.snapshot(DEPLOYMENT, T);
        expect({ ...after, requestsThisMinute: before.requestsThisMinute }).toEqual(before);
      });
    });

    it('closes more than once without complaint', async () => {
      const store = await options.create({ policy: basePolicy, ewmaAlpha: 0.5 });
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
