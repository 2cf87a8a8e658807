/**
 * The shared conformance suite every LimitStore implementation runs (CONVENTIONS: one suite
 * per port). Time is always passed in, so no test waits. It pins the contract beyond the types:
 * - a rate admits `capacity` at once and then one unit per interval, exactly, even when the
 *   interval is not a whole number of milliseconds; settling refunds (never below an empty
 *   bucket) or charges the difference;
 * - a quota holds what is reserved until it is settled (charged `actual`) or its lease lapses,
 *   and refuses what would take used + reserved over its limit, saying when it could fit;
 * - concurrency holds until settled or lapsed;
 * - a reservation takes all its draws or none; settling twice charges once; a late settlement
 *   still charges; each alert threshold is reported by the one settlement that crosses it;
 * - property tests against a reference model (limit-store.model.ts): random interleavings of
 *   reservations, settlements (for less and for more), re-settlements, clock advances and
 *   lapses answer exactly as the model does, never admit beyond a limit, and leak no hold.
 * `create` must return a new, empty store.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Draw, LimitRule, LimitStore, Reservation, ReserveOutcome } from '../../src/access/limits/types';
import { LimitModel } from './limit-store.model';

export interface LimitStoreSuiteOptions {
  create: () => LimitStore | Promise<LimitStore>;
  /** Runs per property test: fewer for a store with round trips. */
  numRuns?: number;
}

const T = 1_700_000_000_000;
const LEASE = 60_000;
const HOUR = 3_600_000;

const rate = (key: string, perMinute: number, capacity: number): LimitRule => ({ kind: 'rate', key, perMinute, capacity });
const quota = (key: string, limit: number, windowEnd = T + HOUR, alertAt?: number[]): LimitRule => ({ kind: 'quota', key, limit, windowEnd, ...(alertAt ? { alertAt } : {}) });
const concurrency = (key: string, limit: number): LimitRule => ({ kind: 'concurrency', key, limit });
const draw = (rule: LimitRule, amount = 1): Draw => ({ rule, amount });

function admitted(outcome: ReserveOutcome): Reservation {
  if (!outcome.admitted) throw new Error(`expected an admission, got a refusal on draw ${outcome.refusal.index} (${outcome.refusal.rule.key})`);
  return outcome.reservation;
}

export function runLimitStoreSuite(name: string, options: LimitStoreSuiteOptions): void {
  describe(`limit store conformance: ${name}`, () => {
    const opened: LimitStore[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    async function fresh(): Promise<LimitStore> {
      const store = await options.create();
      opened.push(store);
      return store;
    }

    async function reserve(store: LimitStore, draws: Draw[], now: number, leaseMs = LEASE): Promise<ReserveOutcome> {
      return store.reserve(draws, now, leaseMs);
    }

    describe('rate', () => {
      it('admits one unit per interval over time, and says how long until the next', async () => {
        const store = await fresh();
        const rpm = rate('rpm', 60, 1);
        expect(await reserve(store, [draw(rpm)], T)).toMatchObject({ admitted: true, reservation: { headroom: [{ remaining: 0, resetMs: 1_000 }] } });
        expect(await reserve(store, [draw(rpm)], T)).toEqual({ admitted: false, refusal: { rule: rpm, index: 0, retryAfterMs: 1_000, limit: 1, remaining: 0 } });
        expect(await reserve(store, [draw(rpm)], T + 999)).toMatchObject({ admitted: false, refusal: { retryAfterMs: 1 } });
        for (let second = 1; second <= 10; second += 1) {
          expect((await reserve(store, [draw(rpm)], T + second * 1_000)).admitted).toBe(true);
          expect((await reserve(store, [draw(rpm)], T + second * 1_000 + 500)).admitted).toBe(false);
        }
      });

      it('admits a burst of `capacity` at once, then refills at the steady rate', async () => {
        const store = await fresh();
        const rpm = rate('burst', 60, 5);
        for (let taken = 1; taken <= 5; taken += 1) {
          expect(admitted(await reserve(store, [draw(rpm)], T)).headroom).toEqual([{ remaining: 5 - taken, resetMs: taken * 1_000 }]);
        }
        expect(await reserve(store, [draw(rpm)], T)).toMatchObject({ admitted: false, refusal: { retryAfterMs: 1_000, remaining: 0 } });
        for (let again = 0; again < 3; again += 1) expect((await reserve(store, [draw(rpm)], T + 3_000)).admitted).toBe(true);
        expect((await reserve(store, [draw(rpm)], T + 3_000)).admitted).toBe(false);
        expect(await reserve(store, [draw(rpm, 6)], T + 60_000)).toMatchObject({ admitted: false, refusal: { retryAfterMs: Infinity, remaining: 5 } });
      });

      it('is exact when the interval is not a whole number of milliseconds (7 a minute)', async () => {
        const store = await fresh();
        const odd = rate('odd', 7, 3);
        for (let taken = 0; taken < 3; taken += 1) expect((await reserve(store, [draw(odd)], T)).admitted).toBe(true);
        expect(await reserve(store, [draw(odd)], T)).toMatchObject({ admitted: false, refusal: { retryAfterMs: Math.ceil(60_000 / 7), remaining: 0 } });
        // 7 intervals make a minute exactly: by then 7 more fit after the burst, and not 8.
        for (let taken = 0; taken < 7; taken += 1) expect((await reserve(store, [draw(odd)], T + Math.ceil(((taken + 1) * 60_000) / 7))).admitted).toBe(true);
        expect((await reserve(store, [draw(odd)], T + 60_000)).admitted).toBe(false);
      });

      it('does not pay off debt twice for a replica whose clock lags another’s', async () => {
        const store = await fresh();
        const rpm = rate('skew', 60, 2);
        expect((await reserve(store, [draw(rpm)], T + 1_000)).admitted).toBe(true);
        // A replica one second behind takes the second unit; the bucket's clock stays the earlier one's.
        expect(admitted(await reserve(store, [draw(rpm)], T)).headroom).toEqual([{ remaining: 0, resetMs: 3_000 }]);
        expect(await reserve(store, [draw(rpm)], T + 1_000)).toMatchObject({ admitted: false, refusal: { retryAfterMs: 1_000 } });
      });

      it('refunds tokens not used, never below an empty bucket, and charges an overrun', async () => {
        const store = await fresh();
        const tpm = rate('tpm', 6_000, 1_000); // 100 tokens a second
        const first = admitted(await reserve(store, [draw(tpm, 800)], T));
        expect(first.headroom).toEqual([{ remaining: 200, resetMs: 8_000 }]);
        expect(await store.settle(first, [300], T)).toEqual([]);
        expect(await store.usage([tpm], T)).toEqual([{ used: 300, reserved: 0 }]);
        const second = admitted(await reserve(store, [draw(tpm, 700)], T));
        expect(second.headroom).toEqual([{ remaining: 0, resetMs: 10_000 }]);
        await store.settle(second, [900], T);
        expect(await store.usage([tpm], T)).toEqual([{ used: 1_200, reserved: 0 }]);
        expect(await reserve(store, [draw(tpm, 1)], T)).toMatchObject({ admitted: false, refusal: { retryAfterMs: 2_010, remaining: 0 } });

        const late = admitted(await reserve(store, [draw(tpm, 100)], T + 20_000));
        // Paid off by T + 21 000: refunding it now must not leave credit beyond a full bucket.
        await store.settle(late, [0], T + 30_000);
        expect(await store.usage([tpm], T + 30_000)).toEqual([{ used: 0, reserved: 0 }]);
        expect((await reserve(store, [draw(tpm, 1_000)], T + 30_000)).admitted).toBe(true);
        expect((await reserve(store, [draw(tpm, 1)], T + 30_000)).admitted).toBe(false);
      });
    });

    describe('quota', () => {
      it('holds reservations, charges settlements, refuses beyond the limit and says when it could fit', async () => {
        const store = await fresh();
        const day = quota('day', 1_000);
        const first = admitted(await reserve(store, [draw(day, 600)], T));
        expect(first.headroom).toEqual([{ remaining: 400, resetMs: HOUR }]);
        expect(await store.usage([day], T)).toEqual([{ used: 0, reserved: 600 }]);
        // Held, not spent: it fits once the hold lapses at the latest.
        expect(await reserve(store, [draw(day, 500)], T + 10)).toEqual({ admitted: false, refusal: { rule: day, index: 0, retryAfterMs: LEASE - 10 + 1, limit: 1_000, remaining: 400 } });
        expect(await store.settle(first, [700], T + 10)).toEqual([]);
        expect(await store.usage([day], T + 10)).toEqual([{ used: 700, reserved: 0 }]);
        // Spent: only a new window helps.
        expect(await reserve(store, [draw(day, 400)], T + 100)).toMatchObject({ admitted: false, refusal: { retryAfterMs: HOUR - 100, remaining: 300 } });
        expect(admitted(await reserve(store, [draw(day, 300)], T + 100)).headroom).toEqual([{ remaining: 0, resetMs: HOUR - 100 }]);
        expect(await reserve(store, [draw(quota('day', 1_000), 2_000)], T + 100)).toMatchObject({ admitted: false, refusal: { retryAfterMs: Infinity } });
        // The next window is another counter (its start is in the key).
        const nextDay = quota('day-2', 1_000, T + 2 * HOUR);
        expect(admitted(await reserve(store, [draw(nextDay, 1_000)], T + HOUR)).headroom).toEqual([{ remaining: 0, resetMs: HOUR }]);
      });

      it('a lifetime quota never resets', async () => {
        const store = await fresh();
        const ever = quota('ever', 10, Infinity);
        const reservation = admitted(await reserve(store, [draw(ever, 10)], T));
        expect(reservation.headroom).toEqual([{ remaining: 0, resetMs: Infinity }]);
        await store.settle(reservation, [10], T);
        expect(await reserve(store, [draw(ever, 1)], T + 1_000)).toMatchObject({ admitted: false, refusal: { retryAfterMs: Infinity, remaining: 0 } });
      });
    });

    describe('concurrency', () => {
      it('admits `limit` at once and frees a slot when one settles', async () => {
        const store = await fresh();
        const slots = concurrency('inflight', 2);
        const one = admitted(await reserve(store, [draw(slots)], T));
        admitted(await reserve(store, [draw(slots)], T + 5));
        expect(await store.usage([slots], T + 5)).toEqual([{ used: 2, reserved: 0 }]);
        expect(await reserve(store, [draw(slots)], T + 10)).toEqual({ admitted: false, refusal: { rule: slots, index: 0, retryAfterMs: LEASE - 10 + 1, limit: 2, remaining: 0 } });
        await store.settle(one, [1], T + 20);
        expect(await store.usage([slots], T + 20)).toEqual([{ used: 1, reserved: 0 }]);
        expect((await reserve(store, [draw(slots)], T + 20)).admitted).toBe(true);
      });
    });

    describe('reservations', () => {
      it('takes all draws or none: a refusal on the third leaves the first two untouched', async () => {
        const store = await fresh();
        const rpm = rate('key-rpm', 60, 5);
        const budget = quota('key-budget', 100);
        const slots = concurrency('key-inflight', 1);
        admitted(await reserve(store, [draw(slots)], T));
        const before = await store.usage([rpm, budget, slots], T);
        expect(await reserve(store, [draw(rpm, 2), draw(budget, 40), draw(slots)], T)).toMatchObject({ admitted: false, refusal: { rule: slots, index: 2, remaining: 0 } });
        expect(await store.usage([rpm, budget, slots], T)).toEqual(before);
        expect(before).toEqual([{ used: 0, reserved: 0 }, { used: 0, reserved: 0 }, { used: 1, reserved: 0 }]);
      });

      it('two draws on one counter see each other', async () => {
        const store = await fresh();
        const budget = quota('shared', 100);
        expect(await reserve(store, [draw(budget, 60), draw(budget, 60)], T)).toMatchObject({ admitted: false, refusal: { index: 1, remaining: 40 } });
        expect(await store.usage([budget], T)).toEqual([{ used: 0, reserved: 0 }]);
        const both = admitted(await reserve(store, [draw(budget, 30), draw(budget, 30)], T));
        expect(both.headroom.map((room) => room.remaining)).toEqual([70, 40]);
        await store.settle(both, [10, 20], T);
        expect(await store.usage([budget], T)).toEqual([{ used: 30, reserved: 0 }]);
      });

      it('answers headroom per draw, in order, and reserves nothing for no draws', async () => {
        const store = await fresh();
        const draws = [draw(rate('a', 600, 10), 3), draw(quota('b', 50, T + 5_000), 20), draw(concurrency('c', 4))];
        expect(admitted(await reserve(store, draws, T)).headroom).toEqual([
          { remaining: 7, resetMs: 300 },
          { remaining: 30, resetMs: 5_000 },
          { remaining: 3, resetMs: 0 },
        ]);
        const none = admitted(await reserve(store, [], T));
        expect(none).toMatchObject({ draws: [], headroom: [], expiresAt: T + LEASE });
        expect(await store.settle(none, [], T)).toEqual([]);
      });

      it('a lapsed lease releases its holds; settled late, it still charges and releases nothing more', async () => {
        const store = await fresh();
        const budget = quota('lapse', 100);
        const slots = concurrency('lapse-slots', 1);
        const dead = admitted(await reserve(store, [draw(budget, 100), draw(slots)], T, 1_000));
        // Lapses after its expiry instant, not at it.
        expect((await reserve(store, [draw(budget, 1)], T + 1_000)).admitted).toBe(false);
        expect(await store.usage([budget, slots], T + 1_001)).toEqual([{ used: 0, reserved: 0 }, { used: 0, reserved: 0 }]);
        const alive = admitted(await reserve(store, [draw(budget, 70), draw(slots)], T + 1_001));
        await store.settle(dead, [30, 1], T + 1_002);
        expect(await store.usage([budget, slots], T + 1_002)).toEqual([{ used: 30, reserved: 70 }, { used: 1, reserved: 0 }]);
        await store.settle(alive, [70, 1], T + 1_003);
        expect(await store.usage([budget, slots], T + 1_003)).toEqual([{ used: 100, reserved: 0 }, { used: 0, reserved: 0 }]);
      });

      it('settling twice charges once, refunds once and releases once', async () => {
        const store = await fresh();
        const tpm = rate('twice-tpm', 6_000, 1_000);
        const budget = quota('twice', 100);
        const slots = concurrency('twice-slots', 2);
        const reservation = admitted(await reserve(store, [draw(tpm, 500), draw(budget, 50), draw(slots)], T));
        const other = admitted(await reserve(store, [draw(tpm, 100), draw(budget, 10), draw(slots)], T));
        await store.settle(reservation, [100, 40, 1], T);
        await store.settle(reservation, [100, 40, 1], T);
        await store.settle(reservation, [0, 0, 0], T);
        expect(await store.usage([tpm, budget, slots], T)).toEqual([{ used: 200, reserved: 0 }, { used: 40, reserved: 10 }, { used: 1, reserved: 0 }]);
        await store.settle(other, [100, 10, 1], T);
        expect(await store.usage([tpm, budget, slots], T)).toEqual([{ used: 200, reserved: 0 }, { used: 50, reserved: 0 }, { used: 0, reserved: 0 }]);
      });

      it('reports each alert threshold once per window, by the settlement that crosses it', async () => {
        const store = await fresh();
        const month = quota('month', 1_000, T + HOUR, [0.5, 0.8]);
        const settleFor = async (rule: LimitRule, amount: number, now = T) => store.settle(admitted(await reserve(store, [draw(rule, amount)], now)), [amount], now);
        expect(await settleFor(month, 400)).toEqual([]);
        expect(await settleFor(month, 100)).toEqual([{ rule: month, threshold: 0.5, used: 500 }]);
        expect(await settleFor(month, 299)).toEqual([]);
        expect(await settleFor(month, 1)).toEqual([{ rule: month, threshold: 0.8, used: 800 }]);
        expect(await settleFor(month, 100)).toEqual([]);
        const reservation = admitted(await reserve(store, [draw(month, 0)], T));
        await store.settle(reservation, [50], T);
        expect(await store.settle(reservation, [50], T)).toEqual([]);
        const next = quota('month-2', 1_000, T + 2 * HOUR, [0.5, 0.8]);
        expect(await settleFor(next, 900, T + HOUR)).toEqual([
          { rule: next, threshold: 0.5, used: 900 },
          { rule: next, threshold: 0.8, used: 900 },
        ]);
      });

      it('reports nothing used for counters never drawn on', async () => {
        const store = await fresh();
        expect(await store.usage([rate('x', 60, 1), quota('y', 5), concurrency('z', 1)], T)).toEqual([
          { used: 0, reserved: 0 },
          { used: 0, reserved: 0 },
          { used: 0, reserved: 0 },
        ]);
        expect(await store.usage([], T)).toEqual([]);
      });
    });

    describe('against the reference model', () => {
      const numRuns = options.numRuns ?? 100;
      let run = 0;

      const config = fc.record({
        perMinute: fc.constantFrom(600, 6_000),
        capacity: fc.constantFrom(1, 3, 5),
        quotaLimit: fc.constantFrom(5, 20),
        slots: fc.constantFrom(1, 2),
        overrun: fc.boolean(),
        finish: fc.constantFrom('settle' as const, 'lapse' as const),
      });
      const step = fc.oneof(
        { weight: 4, arbitrary: fc.record({ op: fc.constant('reserve' as const), rate: fc.option(fc.integer({ min: 0, max: 6 })), quota: fc.option(fc.integer({ min: 0, max: 25 })), slot: fc.boolean(), leaseMs: fc.constantFrom(500, 2_000, 10_000) }) },
        { weight: 3, arbitrary: fc.record({ op: fc.constant('settle' as const), pick: fc.nat(), percent: fc.array(fc.integer({ min: 0, max: 150 }), { minLength: 3, maxLength: 3 }) }) },
        { weight: 1, arbitrary: fc.record({ op: fc.constant('resettle' as const), pick: fc.nat() }) },
        { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 300, max: 3_000 })) }) },
      );

      it('answers as the model does, never admits beyond a limit, and leaks no hold', async () => {
        const store = await fresh();
        await fc.assert(
          fc.asyncProperty(config, fc.array(step, { maxLength: 40 }), async (settings, steps) => {
            run += 1;
            const rpm = rate(`run${run}:rate`, settings.perMinute, settings.capacity);
            const budget = quota(`run${run}:quota`, settings.quotaLimit, T + 24 * HOUR, [0.5]);
            const slots = concurrency(`run${run}:slots`, settings.slots);
            const rules = [rpm, budget, slots];
            const interval = 60_000 / settings.perMinute;
            const model = new LimitModel();
            let now = T;
            const open: Reservation[] = [];
            const closed: Array<{ reservation: Reservation; actual: number[] }> = [];
            // Units taken from the rate's bucket at each step, and which steps admitted any.
            const ledger: Array<{ at: number; units: number; admission: boolean }> = [];
            // A reservation settled after its lease lapsed is still charged, though its hold was
            // already given back: that one request's charge may pass the limit (by design).
            let settledLate = false;

            const check = async () => {
              const usage = await store.usage(rules, now);
              expect(usage).toEqual(rules.map((rule) => model.usage(rule, now)));
              if (!settings.overrun && !settledLate) expect(usage[1].used + usage[1].reserved).toBeLessThanOrEqual(settings.quotaLimit);
              expect(usage[2].used).toBeLessThanOrEqual(settings.slots);
            };

            for (const action of steps) {
              if (action.op === 'advance') {
                now += action.ms;
              } else if (action.op === 'reserve') {
                const draws: Draw[] = [];
                if (action.rate !== null) draws.push(draw(rpm, action.rate));
                if (action.quota !== null) draws.push(draw(budget, action.quota));
                if (action.slot) draws.push(draw(slots));
                const outcome = await store.reserve(draws, now, action.leaseMs);
                const expected = model.reserve(outcome.admitted ? outcome.reservation.id : 'refused', draws, now, action.leaseMs);
                if (outcome.admitted) {
                  expect(expected).toEqual({ admitted: true, headroom: outcome.reservation.headroom });
                  open.push(outcome.reservation);
                  const units = action.rate ?? 0;
                  if (action.rate !== null) ledger.push({ at: now, units, admission: true });
                } else {
                  expect(outcome).toEqual(expected);
                }
              } else if (action.op === 'settle' && open.length > 0) {
                const [reservation] = open.splice(action.pick % open.length, 1);
                const actual = reservation.draws.map(({ amount }, index) => {
                  const wanted = Math.floor((amount * action.percent[index]) / 100);
                  return settings.overrun ? wanted : Math.min(wanted, amount);
                });
                if (now > reservation.expiresAt) settledLate = true;
                const crossings = await store.settle(reservation, actual, now);
                expect(crossings).toEqual(model.settle(reservation.id, reservation.draws, actual, now));
                closed.push({ reservation, actual });
                reservation.draws.forEach(({ rule, amount }, index) => {
                  if (rule.kind === 'rate') ledger.push({ at: now, units: actual[index] - amount, admission: false });
                });
              } else if (action.op === 'resettle' && closed.length > 0) {
                const { reservation, actual } = closed[action.pick % closed.length];
                expect(await store.settle(reservation, actual.map((amount) => amount + 1), now)).toEqual([]);
              }
              await check();
            }

            // Between any two admissions, the units taken never exceed the burst plus the steady rate.
            for (let from = 0; from < ledger.length; from += 1) {
              if (!ledger[from].admission) continue;
              let taken = 0;
              for (let to = from; to < ledger.length; to += 1) {
                taken += ledger[to].units;
                if (ledger[to].admission) expect(taken * interval).toBeLessThanOrEqual(settings.capacity * interval + (ledger[to].at - ledger[from].at));
              }
            }

            // Whatever is still open ends, settled or lapsed: nothing stays held.
            if (settings.finish === 'settle') {
              for (const reservation of open.splice(0)) {
                const actual = reservation.draws.map(({ amount }) => amount);
                if (now > reservation.expiresAt) settledLate = true;
                expect(await store.settle(reservation, actual, now)).toEqual(model.settle(reservation.id, reservation.draws, actual, now));
              }
            } else {
              now += 10_001;
            }
            await check();
            const [, quotaUse, slotUse] = await store.usage(rules, now);
            expect(quotaUse.reserved).toBe(0);
            expect(slotUse.used).toBe(0);
          }),
          { numRuns },
        );
      });
    });
  });
}
