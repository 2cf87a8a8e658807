/**
 * The Redis LimitStore against the real Redis: the shared conformance suite (one store per
 * test, each under its own prefix), then what sharing adds: stores on separate connections
 * sharing one prefix admit exactly what one would, however their calls interleave.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisLimitStore, type RedisLimitStore } from '../../src/access/limits/redis/redis-limit-store';
import type { Draw, LimitRule, Reservation } from '../../src/access/limits/types';
import { runLimitStoreSuite } from '../conformance/limit-store.suite';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const T = 1_700_000_000_000;
const HOUR = 3_600_000;
/** Far above any answer a live Redis gives: these tests are about what is counted, not about time. */
const TIMEOUT_MS = 2_000;

async function openStore(prefix: string): Promise<RedisLimitStore> {
  const store = createRedisLimitStore({ url: REDIS_URL, prefix, timeoutMs: TIMEOUT_MS });
  await store.ready;
  return store;
}

runLimitStoreSuite('redis', { create: () => openStore(`junction-test:${randomUUID()}:`), numRuns: 30 });

describe('redis limit store: shared by replicas', () => {
  const opened: RedisLimitStore[] = [];
  let direct: Redis | undefined;
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    direct?.disconnect();
  });

  async function replicas(count: number): Promise<{ stores: RedisLimitStore[]; prefix: string }> {
    const prefix = `junction-test:${randomUUID()}:`;
    const stores = await Promise.all(Array.from({ length: count }, () => openStore(prefix)));
    opened.push(...stores);
    return { stores, prefix };
  }

  it('admits exactly the limit when three replicas race 300 reservations for 100', async () => {
    const { stores } = await replicas(3);
    const budget: LimitRule = { kind: 'quota', key: 'team:day', limit: 100, windowEnd: T + HOUR };
    const slots: LimitRule = { kind: 'concurrency', key: 'team:inflight', limit: 1_000 };
    const draws: Draw[] = [
      { rule: slots, amount: 1 },
      { rule: budget, amount: 1 },
    ];
    const outcomes = await Promise.all(Array.from({ length: 300 }, (_, index) => stores[index % 3].reserve(draws, T, 60_000)));
    const admitted = outcomes.flatMap((outcome) => (outcome.admitted ? [outcome.reservation] : []));
    expect(admitted).toHaveLength(100);
    expect(outcomes.filter((outcome) => !outcome.admitted).every((outcome) => !outcome.admitted && outcome.refusal.index === 1)).toBe(true);
    expect(await stores[0].usage([budget, slots], T)).toEqual([{ used: 0, reserved: 100 }, { used: 100, reserved: 0 }]);

    // Each settled twice, by two replicas at once: charged once.
    await Promise.all(admitted.flatMap((reservation: Reservation, index) => [stores[index % 3].settle(reservation, [1, 1], T), stores[(index + 1) % 3].settle(reservation, [1, 1], T)]));
    expect(await stores[2].usage([budget, slots], T)).toEqual([{ used: 100, reserved: 0 }, { used: 0, reserved: 0 }]);
  });

  it('reports each alert crossing to exactly one of the replicas settling at once', async () => {
    const { stores } = await replicas(3);
    const month: LimitRule = { kind: 'quota', key: 'key:month', limit: 1_000, windowEnd: T + HOUR, alertAt: [0.5, 0.8] };
    const reservations = await Promise.all(Array.from({ length: 90 }, (_, index) => stores[index % 3].reserve([{ rule: month, amount: 10 }], T, 60_000)));
    const crossings = await Promise.all(
      reservations.map((outcome, index) => {
        if (!outcome.admitted) throw new Error('expected every reservation admitted');
        return stores[index % 3].settle(outcome.reservation, [10], T);
      }),
    );
    // Replicas' settlements interleave in any order: which one crosses is not fixed, only that one does.
    expect(crossings.flat().map((crossing) => [crossing.threshold, crossing.used]).sort(([a], [b]) => a - b)).toEqual([
      [0.5, 500],
      [0.8, 800],
    ]);
  });

  it('leaves no key without a time to live, except a lifetime quota’s', async () => {
    const { stores, prefix } = await replicas(1);
    const [store] = stores;
    const draws: Draw[] = [
      { rule: { kind: 'rate', key: 'rpm', perMinute: 60, capacity: 5 }, amount: 1 },
      { rule: { kind: 'quota', key: 'day', limit: 10, windowEnd: Date.now() + HOUR }, amount: 1 },
      { rule: { kind: 'concurrency', key: 'slots', limit: 2 }, amount: 1 },
      { rule: { kind: 'quota', key: 'ever', limit: 10, windowEnd: Infinity }, amount: 1 },
    ];
    const now = Date.now();
    const outcome = await store.reserve(draws, now, 60_000);
    if (!outcome.admitted) throw new Error('expected an admission');
    const still = await store.reserve(draws, now, 60_000);
    await store.settle(outcome.reservation, [1, 1, 1, 1], now);
    direct = new Redis(REDIS_URL);
    const keys = (await direct.keys(`${prefix}*`)).sort();
    const ttls = Object.fromEntries(await Promise.all(keys.map(async (key) => [key.slice(prefix.length), await direct!.pttl(key)] as const)));
    expect(Object.keys(ttls).sort()).toEqual(['lim:c:slots', 'lim:ch:slots', 'lim:q:day', 'lim:q:ever', 'lim:qh:day', 'lim:qh:ever', 'lim:r:rpm', `lim:s:${outcome.reservation.id}`].sort());
    expect(still.admitted).toBe(true);
    for (const [key, ttl] of Object.entries(ttls)) {
      if (key.endsWith(':ever')) expect(ttl, key).toBe(-1);
      else expect(ttl, key).toBeGreaterThan(0);
    }
    // A quota is kept an hour past its window; a rate a minute past being full again (2 s of debt here).
    expect(ttls['lim:q:day']).toBeGreaterThan(HOUR);
    expect(ttls['lim:r:rpm']).toBeGreaterThan(60_000);
    expect(ttls['lim:r:rpm']).toBeLessThanOrEqual(62_000);
  });

  it('keeps a counter’s holds exactly as long as the counter, so no reserved amount outlives its hold', async () => {
    const { stores, prefix } = await replicas(1);
    const [store] = stores;
    const now = Date.now();
    // The window ends before the first lease does: that lease sets how long the counter is kept.
    const budget: LimitRule = { kind: 'quota', key: 'short-window', limit: 100, windowEnd: now + 1_000 };
    const long = await store.reserve([{ rule: budget, amount: 10 }], now, 2 * HOUR);
    if (!long.admitted) throw new Error('expected an admission');
    await store.settle(long.reservation, [10], now);
    // Its holds are gone (and their set with them); a shorter lease now must not get a shorter-lived set of holds.
    expect((await store.reserve([{ rule: budget, amount: 10 }], now, 60_000)).admitted).toBe(true);
    direct = new Redis(REDIS_URL);
    const [counterTtl, holdsTtl] = await Promise.all([direct.pttl(`${prefix}lim:q:short-window`), direct.pttl(`${prefix}lim:qh:short-window`)]);
    expect(counterTtl).toBeGreaterThan(2 * HOUR);
    expect(Math.abs(counterTtl - holdsTtl)).toBeLessThan(1_000);
  });
});

describe('redis limit store: a busy event loop is not a slow Redis', () => {
  const opened: RedisLimitStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  /** Keeps the event loop busy for `ms`, as a burst of requests parsed in one go does. */
  function busyFor(ms: number): void {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // spin
    }
  }

  it('takes the reply Redis sent in time even when the loop was too busy to read it before the deadline', async () => {
    const timeoutMs = 50;
    const store = createRedisLimitStore({ url: REDIS_URL, prefix: `junction-test:${randomUUID()}:`, timeoutMs });
    opened.push(store);
    await store.ready;
    const rule: LimitRule = { kind: 'rate', key: 'key:rpm', perMinute: 600, capacity: 10 };
    // Sent now; Redis answers within a millisecond, into the socket, while this process is busy.
    const outcomes = Array.from({ length: 5 }, () => store.reserve([{ rule, amount: 1 }], T, 60_000));
    busyFor(timeoutMs * 3);
    const settled = await Promise.allSettled(outcomes);
    expect(settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.admitted : String(outcome.reason)))).toEqual([true, true, true, true, true]);
  });
});
