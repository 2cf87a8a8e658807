/**
 * Chaos: hedging against a heavy-tailed upstream. The simulator's latency draws come from a
 * seeded source, so the test knows in advance which requests land in the tail: those get a
 * second attempt on the steady deployment after the hedge delay, which wins. The slow attempt
 * is never used: a streamed one is cut off at its first event, a whole one is read to its end
 * (it is paid for) and recorded as aborted. And a deployment that never answers is found
 * although its twin wins every race.
 */
import { describe, expect, it } from 'vitest';
import { drawLatencyMs } from '../../src/simulator/latency';
import { seededRandom } from '../support/harness';
import { breakerOf, eventually, expectServed, headerOf, hello, ledgerRows, openaiChat, openaiStream, withChaos, type CallResult } from './support';

const SEED = 105;
const REQUESTS = 12;
const HEAVY_TAIL = { p50: 10, p99: 2_000 };
const HEDGE_DELAY_MS = 50;
// Far enough either side of the hedge delay that the race has only one possible winner.
const CLEARLY_FAST_MS = 25;
const CLEARLY_SLOW_MS = 200;

describe('chaos: hedging against a heavy-tailed upstream', () => {
  it('answers tail requests from the hedge, stops the slow upstream request at its first byte, and never hedges the fast ones', async () => {
    // Only the heavy model draws latencies (the steady one is constant), one draw per request, in order.
    const replay = seededRandom(SEED);
    const drawn = Array.from({ length: REQUESTS }, () => drawLatencyMs(HEAVY_TAIL, replay));
    const slow = drawn.map((latency, index) => (latency > CLEARLY_SLOW_MS ? index : -1)).filter((index) => index >= 0);
    expect(drawn.filter((latency) => latency >= CLEARLY_FAST_MS && latency <= CLEARLY_SLOW_MS)).toEqual([]);
    expect(slow.length).toBeGreaterThanOrEqual(3);

    await withChaos(
      {
        seed: SEED,
        deployments: { heavy: {}, steady: {} },
        models: { heavy: { latencyMs: HEAVY_TAIL }, steady: { latencyMs: { p50: 20, p99: 20 } } },
        // The tail reaches 2 s: a first-byte timeout above it keeps this about the race alone.
        routes: { hedged: { deployments: ['heavy', 'steady'], retry: { attempts: 0 }, hedge: { delayMs: HEDGE_DELAY_MS }, firstByteTimeoutMs: 5_000 } },
      },
      async (chaos) => {
        const results: CallResult[] = [];
        // Alternate plain and streamed requests: both race on the first byte.
        for (let index = 0; index < REQUESTS; index += 1) results.push(index % 2 === 0 ? await openaiChat(chaos, 'hedged') : await openaiStream(chaos, 'hedged'));
        expectServed(results);
        for (const result of results) expect(result.finish).toBe('stop');

        const isSlow = (index: number) => slow.includes(index);
        expect(results.map((result) => result.headers?.get('x-junction-deployment'))).toEqual(results.map((_, index) => (isSlow(index) ? 'steady' : 'heavy')));
        const plain = results.filter((_, index) => index % 2 === 0);
        // No hedge was sent for the fast ones: no hedge header, nothing in the ledger.
        expect(plain.map((result) => result.headers?.get('x-junction-hedge') ?? null)).toEqual(
          results.flatMap((_, index) => (index % 2 === 0 ? [isSlow(index) ? 'hedge-won' : null] : [])),
        );
        expect(chaos.upstream('heavy')).toBe(REQUESTS);
        expect(chaos.upstream('steady')).toBe(slow.length);
        // The simulator sends a stream's chunks at once here, so a loser is not cut off before its
        // end upstream: whether it was is not this test's to say; that no answer came from it is.
        expect(chaos.aborted('steady')).toBe(0);

        // The ledger entry of a request whose loser ran on is written once the loser has ended.
        const rows = await eventually(async () => ((await chaos.harness.junction.ledger.query()).length === REQUESTS ? ledgerRows(chaos) : undefined), 'every ledger row');
        results.forEach((result, index) => {
          const row = rows.get(result.id)!;
          const attempts = row.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.errorCode ?? null]);
          if (isSlow(index)) {
            expect(row).toMatchObject({ hedge: 'hedge-won', deployment: 'steady', status: 200 });
            expect(attempts).toEqual(expect.arrayContaining([['steady', 'success', null], ['heavy', 'aborted', 'attempt_cancelled']]));
            expect(attempts).toHaveLength(2);
            expect(row.attempts.find((attempt) => attempt.deployment === 'steady')!.costUsd).toBeGreaterThan(0);
            // A whole answer read to its end is paid for, and the ledger says so.
            if (index % 2 === 0) expect(row.attempts.find((attempt) => attempt.deployment === 'heavy')!.costUsd).toBeGreaterThan(0);
          } else {
            expect(row.hedge).toBeUndefined();
            expect(row).toMatchObject({ deployment: 'heavy', status: 200 });
            expect(attempts).toEqual([['heavy', 'success', null]]);
          }
        });
        // The slow answers were the deployment being slow, not failing.
        expect(chaos.harness.junction.services.store.snapshot('heavy', Date.now())).toMatchObject({ consecutiveFailures: 0, breaker: { status: 'closed' } });
      },
    );
  });
});

describe('chaos: client disconnect while hedging', () => {
  it('aborts both the first attempt and its hedge upstream, and records a 499 with both attempts aborted', async () => {
    await withChaos(
      {
        deployments: { heavy: {}, steady: {} },
        // Both slow: the caller leaves while both attempts are waiting.
        models: { heavy: { latencyMs: { p50: 2_000, p99: 2_000 } }, steady: { latencyMs: { p50: 2_000, p99: 2_000 } } },
        routes: { hedged: { deployments: ['heavy', 'steady'], retry: { attempts: 0 }, hedge: { delayMs: 20 } } },
      },
      async (chaos) => {
        const id = chaos.nextId();
        const leave = new AbortController();
        const call = chaos.openai.chat.completions.create({ model: 'hedged', messages: hello }, { headers: { 'x-request-id': id }, signal: leave.signal }).catch((error: unknown) => error);
        await eventually(() => chaos.upstream('steady') === 1, 'the hedge to reach its upstream');
        leave.abort();
        expect(await call).toBeInstanceOf(Error);

        await eventually(() => chaos.aborted('heavy') === 1 && chaos.aborted('steady') === 1, 'both upstream requests to be aborted');
        const row = await eventually(async () => (await chaos.harness.junction.ledger.query()).find((entry) => entry.requestId === id), 'the ledger row');
        expect(row).toMatchObject({ status: 499, errorCode: 'client_closed' });
        expect(row.attempts.map((attempt) => [attempt.deployment, attempt.outcome]).sort()).toEqual([
          ['heavy', 'aborted'],
          ['steady', 'aborted'],
        ]);
        await ledgerRows(chaos);
      },
    );
  });
});

describe('chaos: hedging in front of a deployment that never answers', () => {
  it.each([
    ['plain', openaiChat],
    ['streamed', openaiStream],
  ] as const)('counts its silence as failures although every race goes to the hedge, until its breaker opens (%s)', async (_kind, call) => {
    await withChaos(
      {
        deployments: { silent: {}, steady: {} },
        models: { silent: { hangRate: 1 }, steady: { latencyMs: { p50: 5, p99: 5 } } },
        routes: {
          hedged: {
            deployments: ['silent', 'steady'],
            retry: { attempts: 0 },
            hedge: { delayMs: 20 },
            firstByteTimeoutMs: 300,
            breaker: { consecutiveFailures: 3, cooldownMs: 60_000 },
          },
        },
      },
      async (chaos) => {
        const results: CallResult[] = [];
        for (let index = 0; index < 3; index += 1) results.push(await call(chaos, 'hedged'));
        expectServed(results);
        expect(headerOf(results, 'x-junction-deployment')).toEqual(['steady', 'steady', 'steady']);
        // Each loser is given up on at its first-byte timeout, and that counts against it.
        await eventually(() => breakerOf(chaos, 'silent').status === 'open', 'the silent deployment’s breaker to open');
        const rows = await eventually(async () => ((await chaos.harness.junction.ledger.query()).length === 3 ? ledgerRows(chaos) : undefined), 'every ledger row');
        for (const result of results) {
          const attempts = rows.get(result.id)!.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.errorCode ?? null]);
          expect(attempts).toEqual(expect.arrayContaining([['steady', 'success', null], ['silent', 'error', 'upstream_timeout']]));
        }

        // With its breaker open it is no longer tried first: no hedge delay to pay.
        const later = await call(chaos, 'hedged');
        expectServed([later]);
        expect(later.headers?.get('x-junction-hedge')).toBeNull();
        expect(chaos.upstream('silent')).toBe(3);
      },
    );
  });
});
