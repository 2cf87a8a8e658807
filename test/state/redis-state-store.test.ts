/**
 * The Redis StateStore against the real Redis: the shared conformance suite (one replica), then
 * what sharing adds, with two replicas on one prefix. Propagation is asynchronous, so the
 * replica tests wait for a condition to hold (bounded), never for a fixed time.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BREAKER_POLICY, type BreakerPolicy } from '../../src/resilience/types';
import { createRedisStateStore, type RedisStateStore } from '../../src/state/redis/redis-state-store';
import type { EndedAttempt } from '../../src/state';
import { runStateStoreSuite } from '../conformance/state-store.suite';
import { createTcpRelay } from '../support/tcp-relay';
import { until } from '../support/until';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisTarget = { host: new URL(REDIS_URL).hostname, port: Number(new URL(REDIS_URL).port || 6379) };

runStateStoreSuite('redis', {
  create: async ({ policy, ewmaAlpha }) => {
    const store = createRedisStateStore({ url: REDIS_URL, prefix: `junction-test:${randomUUID()}:`, policy: () => policy, ewmaAlpha });
    await store.ready;
    return store;
  },
});

const policy: BreakerPolicy = { ...DEFAULT_BREAKER_POLICY, consecutiveFailures: 3, cooldownMs: 1_000, maxCooldownMs: 8_000, halfOpenProbes: 1 };
const T = 1_700_000_000_000;
const D = 'gpt-4o@openai';
const failure: EndedAttempt = { verdict: 'failure', latencyMs: 20, tokens: 0, errorCode: 'upstream_server_error', errorMessage: 'upstream answered 500', probe: false };
const success = (latencyMs: number, probe = false): EndedAttempt => ({ verdict: 'success', latencyMs, tokens: 30, probe });


/** A port nothing listens on (just now). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('redis state store: two replicas', () => {
  const opened: RedisStateStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  async function replicas(): Promise<[RedisStateStore, RedisStateStore]> {
    const prefix = `junction-test:${randomUUID()}:`;
    const make = () => createRedisStateStore({ url: REDIS_URL, prefix, policy: () => policy, publishIntervalMs: 5 });
    const pair: [RedisStateStore, RedisStateStore] = [make(), make()];
    opened.push(...pair);
    await Promise.all(pair.map((store) => store.ready));
    return pair;
  }

  it("shares latency averages, per-minute tokens and last errors, but not in-flight counts", async () => {
    const [a, b] = await replicas();
    a.attemptStarted(D, T);
    a.attemptEnded(D, success(200), T);
    a.attemptStarted(D, T);
    await until(() => b.snapshot(D, T + 1).latencyMs === 200, 'B sees A’s latency');
    expect(b.snapshot(D, T + 1)).toMatchObject({ tokensThisMinute: 30, requestsThisMinute: 1, inFlight: 0 });
    expect(a.snapshot(D, T + 1).inFlight).toBe(1);

    b.attemptEnded(D, { ...failure, errorMessage: 'B saw a 500' }, T + 2);
    await until(() => a.snapshot(D, T + 3).lastError?.message === 'B saw a 500', 'A sees B’s last error');
  });

  it('opens the breaker everywhere on failures seen by different replicas', async () => {
    const [a, b] = await replicas();
    a.attemptEnded(D, failure, T);
    b.attemptEnded(D, failure, T + 1);
    await until(() => a.snapshot(D, T + 2).consecutiveFailures === 2 && b.snapshot(D, T + 2).consecutiveFailures === 2, 'both count two failures');
    a.attemptEnded(D, failure, T + 3);
    expect(a.snapshot(D, T + 3).breaker.status).toBe('open');
    await until(() => b.snapshot(D, T + 4).breaker.status === 'open', 'B’s breaker opens');
    expect((await b.admit(D, T + 4)).admitted).toBe(false);
  });

  it('lets one probe out across replicas, and its success closes the breaker everywhere', async () => {
    const [a, b] = await replicas();
    for (let index = 0; index < 3; index += 1) a.attemptEnded(D, failure, T + index);
    await until(() => b.snapshot(D, T + 3).breaker.status === 'open', 'B’s breaker opens');

    const later = T + 5_000;
    const [first, second] = await Promise.all([a.admit(D, later), b.admit(D, later)]);
    const probes = [first, second].filter((admission) => admission.probe);
    expect(probes).toHaveLength(1);
    expect([first, second].filter((admission) => admission.admitted)).toHaveLength(1);
    const [prober, other] = first.probe ? [a, b] : [b, a];
    expect([first, second].find((admission) => !admission.admitted)?.reason).toMatch(/other replicas/);

    prober.attemptEnded(D, success(90, true), later + 10);
    expect(prober.snapshot(D, later + 10).breaker.status).toBe('closed');
    await until(() => other.snapshot(D, later + 11).breaker.status === 'closed', 'the other replica closes too');
    expect(await other.admit(D, later + 11)).toMatchObject({ admitted: true, probe: false });
  });

  it('re-opens everywhere when the probe fails, and frees the slot for the next cool-down', async () => {
    const [a, b] = await replicas();
    for (let index = 0; index < 3; index += 1) a.attemptEnded(D, failure, T + index);
    await until(() => b.snapshot(D, T + 3).breaker.status === 'open', 'B’s breaker opens');

    const later = T + 5_000;
    expect(await a.admit(D, later)).toMatchObject({ admitted: true, probe: true });
    a.attemptEnded(D, { ...failure, probe: true }, later + 5);
    await until(() => b.snapshot(D, later + 6).breaker.retryAt !== undefined && b.snapshot(D, later + 6).breaker.retryAt! > later, 'B re-opens with a new retry time');
    expect((await b.admit(D, later + 6)).admitted).toBe(false);

    // The slot was released: after the next cool-down a probe goes out again.
    const retryAt = b.snapshot(D, later + 6).breaker.retryAt!;
    expect(await b.admit(D, retryAt)).toMatchObject({ admitted: true, probe: true });
  });

  it('joins the others when Redis comes back, if it started while Redis was away', async () => {
    // The late replica reaches Redis through a relay on a port that at first has no listener.
    const relay = createTcpRelay(redisTarget);
    const port = await freePort();
    const prefix = `junction-test:${randomUUID()}:`;
    const late = createRedisStateStore({ url: `redis://127.0.0.1:${port}`, prefix, policy: () => policy, onError: () => {} });
    const early = createRedisStateStore({ url: REDIS_URL, prefix, policy: () => policy, publishIntervalMs: 5 });
    opened.push(late, early);
    await early.ready;

    await relay.listen(port);
    try {
      await late.ready;
      early.attemptEnded(D, success(333), T);
      await until(() => late.snapshot(D, T + 1).latencyMs === 333, 'the late replica hears the early one', 5_000);
    } finally {
      await late.close();
      await relay.close();
    }
  });

  it('is ready only once the others hear it too, so its first attempt reaches them', async () => {
    // Its command connection (the first it opens) is held up while its subscription goes
    // through: `ready` must wait for both, or what it says first is dropped unsent.
    const relay = createTcpRelay(redisTarget);
    relay.freeze(0);
    const port = await relay.listen();
    const prefix = `junction-test:${randomUUID()}:`;
    const other = createRedisStateStore({ url: REDIS_URL, prefix, policy: () => policy });
    const slow = createRedisStateStore({ url: `redis://127.0.0.1:${port}`, prefix, policy: () => policy, publishIntervalMs: 5 });
    opened.push(other, slow);
    await other.ready;
    const thaw = setTimeout(() => relay.thaw(), 300);
    try {
      await slow.ready;
      slow.attemptEnded(D, success(444), T);
      await until(() => other.snapshot(D, T + 1).latencyMs === 444, 'the other replica hears the first attempt');
    } finally {
      clearTimeout(thaw);
      await slow.close();
      await relay.close();
    }
  });

  it('forgets a deployment on every replica', async () => {
    const [a, b] = await replicas();
    for (let index = 0; index < 3; index += 1) a.attemptEnded(D, failure, T + index);
    await until(() => b.snapshot(D, T + 3).breaker.status === 'open', 'B’s breaker opens');
    a.forget(D);
    await until(() => b.snapshot(D, T + 4).breaker.status === 'closed', 'B forgets too');
    expect(b.snapshot(D, T + 4).consecutiveFailures).toBe(0);
  });
});

describe('redis state store: Redis unreachable', () => {
  it('routes on its local view without waiting, reports the errors, and closes', async () => {
    const errors: Error[] = [];
    const store = createRedisStateStore({ url: 'redis://127.0.0.1:1', policy: () => policy, onError: (error) => errors.push(error) });
    for (let index = 0; index < 3; index += 1) store.attemptEnded(D, failure, T + index);
    expect(store.admit(D, T + 10)).toMatchObject({ admitted: false });
    // Not a promise: the probe is admitted locally, with no round trip to wait for.
    expect(store.admit(D, T + 5_000)).toMatchObject({ admitted: true, probe: true });
    store.attemptEnded(D, success(40, true), T + 5_010);
    expect(store.snapshot(D, T + 5_010).breaker.status).toBe('closed');
    await until(() => errors.length > 0, 'the connection error is reported');
    expect(errors[0].message).toMatch(/ECONNREFUSED/);
    await store.close();
  });
});
