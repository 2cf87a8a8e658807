import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UNIT_DEBT, debtAt, rateFits, rateRemaining, rateResetMs, rateRetryAfterMs, rateTake, rateUsed } from './gcra';

const T = 1_700_000_000_000;

describe('GCRA as debt', () => {
  it.each([
    // perMinute, capacity, taken at T, then asked at, amount → fits, retryAfterMs
    [60, 1, 1, T, 1, false, 1_000],
    [60, 1, 1, T + 1_000, 1, true, 0],
    [60, 5, 5, T + 2_500, 3, false, 500],
    [7, 3, 3, T, 1, false, 8_572],
    [7, 3, 3, T + 8_572, 1, true, 0],
    [6_000, 1_000, 0, T, 1_001, false, Infinity],
  ])('%i/min, capacity %i, %i taken: asking at +%i for %i fits=%s, retry after %i ms', (perMinute, capacity, taken, at, amount, fits, retry) => {
    const params = { perMinute, capacity };
    const state = debtAt(rateTake(debtAt(undefined, T, perMinute), taken), at, perMinute);
    expect(rateFits(state, amount, params)).toBe(fits);
    expect(rateRetryAfterMs(state, amount, params, at)).toBe(retry);
  });

  it('pays off perMinute debt a millisecond, never below empty, and never for time gone back', () => {
    const state = { debt: 3 * UNIT_DEBT, at: T };
    expect(debtAt(state, T + 500, 60)).toEqual({ debt: 3 * UNIT_DEBT - 30_000, at: T + 500 });
    expect(debtAt(state, T + 10_000, 60)).toEqual({ debt: 0, at: T + 10_000 });
    expect(debtAt(state, T - 1_000, 60)).toBe(state);
    expect(rateTake(state, -5)).toEqual({ debt: 0, at: T });
  });

  it('reports headroom: whole units free, units held rounded up, time until full', () => {
    const state = { debt: 2.5 * UNIT_DEBT, at: T };
    expect(rateRemaining(state, { perMinute: 60, capacity: 5 })).toBe(2);
    expect(rateUsed(state)).toBe(3);
    expect(rateResetMs(state, T, 60)).toBe(2_500);
    expect(rateResetMs(state, T + 3_000, 60)).toBe(0);
  });

  it('admits exactly what the theoretical-arrival-time formulation admits', () => {
    // With a whole-millisecond interval, TAT arithmetic is exact too: both must agree on every step.
    fc.assert(
      fc.property(
        fc.constantFrom(60, 600, 6_000, 60_000),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.record({ wait: fc.integer({ min: 0, max: 2_000 }), amount: fc.integer({ min: 0, max: 12 }), refund: fc.integer({ min: 0, max: 12 }) }), { maxLength: 50 }),
        (perMinute, capacity, steps) => {
          const interval = 60_000 / perMinute;
          let now = T;
          let tat = T;
          let state = debtAt(undefined, T, perMinute);
          for (const { wait, amount, refund } of steps) {
            now += wait;
            state = debtAt(state, now, perMinute);
            const fits = Math.max(tat, now) + amount * interval - now <= capacity * interval;
            expect(rateFits(state, amount, { perMinute, capacity })).toBe(fits);
            if (!fits) continue;
            tat = Math.max(tat, now) + amount * interval;
            state = rateTake(state, amount);
            const given = Math.min(refund, amount);
            tat = Math.max(tat - given * interval, now);
            state = rateTake(state, -given);
            expect(state.debt).toBe((tat - now) * perMinute);
          }
        },
      ),
    );
  });
});
