/**
 * The memory LimitStore: the shared conformance suite, then what is its own: answers are
 * synchronous, and memory stays bounded as counters empty, windows end and leases lapse.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryLimitStore } from '../../src/access/limits';
import { SETTLED_KEEP_MS } from '../../src/access/limits/holds';
import type { LimitRule, Reservation } from '../../src/access/limits/types';
import { runLimitStoreSuite } from '../conformance/limit-store.suite';

runLimitStoreSuite('memory', { create: () => createMemoryLimitStore() });

const T = 1_700_000_000_000;
const HOUR = 3_600_000;

function admittedOf(outcome: ReturnType<ReturnType<typeof createMemoryLimitStore>['reserve']>): Reservation {
  if (!outcome.admitted) throw new Error('expected the reservation to be admitted');
  return outcome.reservation;
}

describe('memory limit store', () => {
  it('answers reserve and settle synchronously', () => {
    const store = createMemoryLimitStore();
    const outcome = store.reserve([{ rule: { kind: 'concurrency', key: 'c', limit: 1 }, amount: 1 }], T, 1_000);
    expect(outcome.admitted).toBe(true);
    if (outcome.admitted) expect(store.settle(outcome.reservation, [1], T)).toEqual([]);
  });

  it('drops what has become the same as absent, so memory stays bounded', () => {
    const store = createMemoryLimitStore();
    const hot: LimitRule = { kind: 'rate', key: 'hot', perMinute: 60_000, capacity: 1_000 };
    for (let index = 0; index < 1_000; index += 1) {
      const rules: LimitRule[] = [
        { kind: 'rate', key: `rpm-${index}`, perMinute: 60, capacity: 1 },
        { kind: 'quota', key: `day-${index}`, limit: 10, windowEnd: T + HOUR },
        { kind: 'concurrency', key: `slots-${index}`, limit: 1 },
      ];
      const outcome = store.reserve(rules.map((rule) => ({ rule, amount: 1 })), T, 60_000);
      // Half are settled, half abandoned (their holds lapse; they are remembered as open for a while).
      if (outcome.admitted && index % 2 === 0) store.settle(outcome.reservation, [1, 1, 1], T);
    }
    // 1 000 rates, 1 000 quotas, 500 held slots, 500 open reservations.
    expect(store.size()).toBe(3_000);
    // Two hours on, every window has ended and every lease lapsed: a few thousand calls on one counter sweep the rest.
    const later = T + 2 * HOUR;
    for (let call = 0; call < 2_000; call += 1) {
      const outcome = store.reserve([{ rule: hot, amount: 1 }], later + call, 60_000);
      expect(outcome.admitted).toBe(true);
      if (outcome.admitted) store.settle(outcome.reservation, [1], later + call);
    }
    expect(store.size()).toBe(1);
    // A reservation never settled is remembered as open until a minute after its lease, then forgotten.
    store.reserve([{ rule: hot, amount: 1 }], later + 2_000, 60_000);
    expect(store.size()).toBe(2);
    for (let call = 0; call < 10; call += 1) store.settle(admittedOf(store.reserve([], later + 2_000 + 60_000 + SETTLED_KEEP_MS + 1 + call, 1_000)), [], later + 2_000 + 60_000 + SETTLED_KEEP_MS + 1 + call);
    expect(store.size()).toBe(0);
  });

  it('sweeps as much when calls come many to a millisecond', () => {
    const store = createMemoryLimitStore();
    for (let index = 0; index < 1_000; index += 1) store.reserve([{ rule: { kind: 'quota', key: `day-${index}`, limit: 10, windowEnd: T + HOUR }, amount: 1 }], T, 1_000);
    const hot: LimitRule = { kind: 'rate', key: 'hot', perMinute: 60_000_000, capacity: 1_000_000 };
    const later = T + 3 * HOUR;
    // Every call in the same millisecond: each still accounts for its share of the sweeping.
    for (let call = 0; call < 2_000; call += 1) store.settle(admittedOf(store.reserve([{ rule: hot, amount: 1 }], later, 60_000)), [1], later);
    expect(store.size()).toBeLessThanOrEqual(1 + 64);
    store.reserve([], later + 1, 1_000);
    expect(store.size()).toBe(2);
  });

  describe('settling twice charges once', () => {
    const budget: LimitRule = { kind: 'quota', key: 'budget', limit: 1_000_000, windowEnd: T + 100 * HOUR };
    const reserve = (store: ReturnType<typeof createMemoryLimitStore>, at = T) => {
      const outcome = store.reserve([{ rule: budget, amount: 10 }], at, 1_000);
      if (!outcome.admitted) throw new Error('admitted');
      return outcome.reservation;
    };
    const used = (store: ReturnType<typeof createMemoryLimitStore>, at: number) => store.usage([budget], at).then(([usage]) => usage!.used);

    it('until a minute after the lease, for a reservation settled in time', async () => {
      const store = createMemoryLimitStore();
      const reservation = reserve(store);
      store.settle(reservation, [7], T + 10);
      store.settle(reservation, [7], reservation.expiresAt + 1);
      store.settle(reservation, [7], reservation.expiresAt + SETTLED_KEEP_MS);
      expect(await used(store, reservation.expiresAt + SETTLED_KEEP_MS)).toBe(7);
    });

    it('until a minute after a late settlement, which still charges', async () => {
      const store = createMemoryLimitStore();
      const reservation = reserve(store);
      const late = reservation.expiresAt + 10 * SETTLED_KEEP_MS;
      store.settle(reservation, [7], late);
      expect(await used(store, late)).toBe(7);
      store.settle(reservation, [7], late + SETTLED_KEEP_MS);
      expect(await used(store, late + SETTLED_KEEP_MS)).toBe(7);
    });

    it('while other requests come and go, however many', async () => {
      const store = createMemoryLimitStore();
      const first = reserve(store);
      store.settle(first, [1], T);
      for (let index = 1; index <= 10_000; index += 1) store.settle(reserve(store, T + index), [1], T + index);
      store.settle(first, [1], T + 10_001);
      expect(await used(store, T + 10_001)).toBe(10_001);
    });

    it('for a reservation another store made too', async () => {
      const maker = createMemoryLimitStore({ random: () => 0.1 });
      const other = createMemoryLimitStore({ random: () => 0.9 });
      const foreign: Reservation = reserve(maker);
      other.settle(foreign, [3], T + 5);
      other.settle(foreign, [3], T + 6);
      expect(await used(other, T + 6)).toBe(3);
    });
  });

  it('takes its reservation ids from the injected random source', () => {
    const ids = (seed: number) => {
      const store = createMemoryLimitStore({ random: () => seed });
      const outcome = store.reserve([], T, 1_000);
      return outcome.admitted ? outcome.reservation.id : '';
    };
    expect(ids(0.25)).toBe(ids(0.25));
    expect(ids(0.25)).not.toBe(ids(0.75));
  });
});
