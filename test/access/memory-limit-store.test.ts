/**
 * The memory LimitStore: the shared conformance suite, then what is its own: answers are
 * synchronous, and memory stays bounded as counters empty, windows end and leases lapse.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryLimitStore } from '../../src/access/limits';
import type { LimitRule } from '../../src/access/limits/types';
import { runLimitStoreSuite } from '../conformance/limit-store.suite';

runLimitStoreSuite('memory', { create: () => createMemoryLimitStore() });

const T = 1_700_000_000_000;
const HOUR = 3_600_000;

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
      // Half are settled (their ids remembered for a while), half abandoned (their holds lapse).
      if (outcome.admitted && index % 2 === 0) store.settle(outcome.reservation, [1, 1, 1], T);
    }
    // 1 000 rates, 1 000 quotas, 500 held slots, 500 remembered settlements.
    expect(store.size()).toBe(3_000);
    // Two hours on, every window has ended and every lease lapsed: a few thousand calls on one counter sweep the rest.
    const later = T + 2 * HOUR;
    for (let call = 0; call < 2_000; call += 1) expect(store.reserve([{ rule: hot, amount: 1 }], later + call, 60_000).admitted).toBe(true);
    expect(store.size()).toBe(1);
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
