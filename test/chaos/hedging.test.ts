/**
 * Chaos: hedging against a heavy-tailed upstream. The simulator's latency draws come from a
 * seeded source, so the test knows in advance which requests land in the tail: those get a
 * second attempt on the steady deployment after the hedge delay, which wins; the slow
 * attempt is cancelled upstream and recorded as aborted.
 */
import { describe, expect, it } from 'vitest';
import { drawLatencyMs } from '../../src/simulator/latency';
import { seededRandom } from '../support/harness';
import { eventually, expectServed, hello, ledgerRows, openaiChat, openaiStream, withChaos, type CallResult } from './support';

const SEED = 105;
const REQUESTS = 12;
const HEAVY_TAIL = { p50: 10, p99: 2_000 };
const HEDGE_DELAY_MS = 50;
// Far enough either side of the hedge delay that the race has only one possible winner.
const CLEARLY_FAST_MS = 25;
const CLEARLY_SLOW_MS = 200;

describe('chaos: hedging against a heavy-tailed upstream', () => {
  it('answers tail requests from the hedge, cancels the slow upstream request, and never hedges the fast ones', async () => {
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
        routes: { hedged: { deployments: ['heavy', 'steady'], retry: { attempts: 0 }, hedge: { delayMs: HEDGE_DELAY_MS } } },
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
        expect(plain.map((result) => result.headers?.get('x-junction-hedge'))).toEqual(
          results.flatMap((_, index) => (index % 2 === 0 ? [isSlow(index) ? 'hedge-won' : 'primary-won'] : [])),
        );
        expect(chaos.upstream('heavy')).toBe(REQUESTS);
        expect(chaos.upstream('steady')).toBe(slow.length);
        await eventually(() => chaos.aborted('heavy') === slow.length, 'the losing upstream requests to be aborted');
        expect(chaos.aborted('steady')).toBe(0);

        const rows = await ledgerRows(chaos);
        results.forEach((result, index) => {
          const row = rows.get(result.id)!;
          const attempts = row.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.errorCode ?? null]);
          if (isSlow(index)) {
            expect(row).toMatchObject({ hedge: 'hedge-won', deployment: 'steady', status: 200 });
            expect(attempts).toEqual(expect.arrayContaining([['steady', 'success', null], ['heavy', 'aborted', 'attempt_cancelled']]));
            expect(attempts).toHaveLength(2);
            expect(row.attempts.find((attempt) => attempt.deployment === 'steady')!.costUsd).toBeGreaterThan(0);
          } else {
            expect(row).toMatchObject({ hedge: 'primary-won', deployment: 'heavy', status: 200 });
            expect(attempts).toEqual([['heavy', 'success', null]]);
          }
        });
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
