/**
 * The Redis LimitStore when Redis stops answering (the connection stays up, commands just wait)
 * or goes away (the connection drops). The real Redis sits behind a relay the test freezes or
 * closes (see test/support/tcp-relay.ts), so other test files' clients are not affected. Each
 * wait is guarded by a generous backstop; none is a timing assertion.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isJunctionError } from '../../src/errors';
import { createRedisLimitStore, type RedisLimitStore, type RedisLimitStoreOptions } from '../../src/access/limits/redis/redis-limit-store';
import type { Crossing, Draw, LimitRule, Reservation } from '../../src/access/limits/types';
import { createTcpRelay, type TcpRelay } from '../support/tcp-relay';
import { eventually, settlesWithin, until } from '../support/until';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const target = { host: new URL(REDIS_URL).hostname, port: Number(new URL(REDIS_URL).port || 6379) };
const T = 1_700_000_000_000;
const BACKSTOP_MS = 5_000;

const budget: LimitRule = { kind: 'quota', key: 'team:month', limit: 100, windowEnd: T + 3_600_000, alertAt: [0.05] };
const slots: LimitRule = { kind: 'concurrency', key: 'key:inflight', limit: 10 };
const draws: Draw[] = [
  { rule: budget, amount: 10 },
  { rule: slots, amount: 1 },
];

describe('redis limit store: Redis stops answering or goes away', () => {
  const relays: TcpRelay[] = [];
  const opened: RedisLimitStore[] = [];

  afterEach(async () => {
    for (const relay of relays) relay.thaw();
    await Promise.all(opened.splice(0).map((store) => settlesWithin(store.close(), BACKSTOP_MS, 'close')));
    await Promise.all(relays.splice(0).map((relay) => relay.close()));
  });

  async function relayed(options: Partial<RedisLimitStoreOptions> = {}) {
    const relay = createTcpRelay(target);
    relays.push(relay);
    const port = await relay.listen();
    const prefix = `junction-test:${randomUUID()}:`;
    const errors: Error[] = [];
    const late: Crossing[] = [];
    const store = createRedisLimitStore({ url: `redis://127.0.0.1:${port}`, prefix, onError: (error) => errors.push(error), onLateCrossings: (crossings) => late.push(...crossings), ...options });
    // Straight to Redis: what the other replicas see.
    const direct = createRedisLimitStore({ url: REDIS_URL, prefix, timeoutMs: BACKSTOP_MS });
    opened.push(store, direct);
    await Promise.all([store.ready, direct.ready]);
    return { relay, port, store, direct, errors, late };
  }

  async function reserved(store: RedisLimitStore, now = T): Promise<Reservation> {
    const outcome = await store.reserve(draws, now, 60_000);
    if (!outcome.admitted) throw new Error('expected an admission');
    return outcome.reservation;
  }

  async function refusedAsUnavailable(store: RedisLimitStore): Promise<void> {
    const failure = await settlesWithin(
      Promise.resolve(store.reserve(draws, T + 1, 60_000)).then(
        () => undefined,
        (error: unknown) => error,
      ),
      BACKSTOP_MS,
      'a reservation while Redis is away',
    );
    expect(isJunctionError(failure) && failure.code).toBe('limits_unavailable');
  }

  it('a reservation Redis does not answer throws limits_unavailable; settlements meanwhile are applied, once, when it answers again', async () => {
    const { relay, store, direct, errors, late } = await relayed({ timeoutMs: 50, now: () => 0 });
    const first = await reserved(store);
    relay.freeze();
    await refusedAsUnavailable(store);
    await refusedAsUnavailable(store);
    expect(await settlesWithin(Promise.resolve(store.settle(first, [7, 1], T + 2)), BACKSTOP_MS, 'a settlement while Redis is away')).toEqual([]);
    expect(store.queuedSettlements()).toBe(1);
    // The other replicas still see the holds.
    expect(await direct.usage([budget, slots], T + 2)).toEqual([{ used: 0, reserved: 10 }, { used: 1, reserved: 0 }]);

    relay.thaw();
    await until(() => store.queuedSettlements() === 0, 'the queued settlements are sent');
    // Charged once; the two reservations Redis granted after their callers had given up are released.
    await eventually(async () => JSON.stringify(await direct.usage([budget, slots], T + 3)) === JSON.stringify([{ used: 7, reserved: 0 }, { used: 0, reserved: 0 }]), 'charged 7, nothing held');
    expect(late).toEqual([{ rule: budget, threshold: 0.05, used: 7 }]);
    // Told once per kind, not once per call.
    expect(errors.filter((error) => /reservation/.test(error.message))).toHaveLength(1);
  });

  it('with the connection gone, answers at once and applies the settlements once Redis is back', async () => {
    const { relay, port, store, direct } = await relayed({ timeoutMs: 50 });
    const first = await reserved(store);
    const second = await reserved(store);
    await relay.close();
    await until(() => !store.connected(), 'the store sees the connection gone');
    await refusedAsUnavailable(store);
    expect(await store.settle(first, [3, 1], T + 2)).toEqual([]);
    expect(await store.settle(second, [4, 1], T + 2)).toEqual([]);
    expect(await store.settle(first, [3, 1], T + 2)).toEqual([]);
    expect(store.queuedSettlements()).toBe(3);

    const back = createTcpRelay(target);
    relays.push(back);
    await back.listen(port);
    await until(() => store.queuedSettlements() === 0, 'the queued settlements are sent once Redis is back', BACKSTOP_MS);
    expect(await direct.usage([budget, slots], T + 3)).toEqual([{ used: 7, reserved: 0 }, { used: 0, reserved: 0 }]);
    expect((await store.reserve(draws, T + 3, 60_000)).admitted).toBe(true);
  });

  it('never waits for a Redis that was never there, and closes', async () => {
    const port = await freePort();
    const store = createRedisLimitStore({ url: `redis://127.0.0.1:${port}`, prefix: `junction-test:${randomUUID()}:` });
    opened.push(store);
    await refusedAsUnavailable(store);
    const reservation: Reservation = { id: 'never-sent', draws, expiresAt: T + 60_000, headroom: [] };
    expect(await store.settle(reservation, [1, 1], T)).toEqual([]);
    await settlesWithin(store.close(), BACKSTOP_MS, 'close');
  });
});

/** A port nothing listens on (just now). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
