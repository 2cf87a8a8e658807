/**
 * The Redis StateStore when Redis stops answering mid-connection: the connection stays up, so
 * nothing tells the client Redis is gone, and every command just waits. The real Redis sits
 * behind a relay the test freezes (see test/support/tcp-relay.ts), so other test files'
 * clients on the same server are not paused. Each settle is guarded by a generous backstop;
 * none is a timing assertion.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BREAKER_POLICY, type BreakerPolicy } from '../../src/resilience/types';
import { createRedisStateStore, type RedisStateStore, type RedisStateStoreOptions } from '../../src/state/redis/redis-state-store';
import type { EndedAttempt } from '../../src/state';
import { createTcpRelay, type TcpRelay } from '../support/tcp-relay';
import { eventually, settlesWithin, until } from '../support/until';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const target = new URL(REDIS_URL);

const policy: BreakerPolicy = { ...DEFAULT_BREAKER_POLICY, consecutiveFailures: 3, cooldownMs: 1_000, maxCooldownMs: 8_000, halfOpenProbes: 1 };
const T = 1_700_000_000_000;
const later = T + 5_000;
const D = 'gpt-4o@openai';
const failure: EndedAttempt = { verdict: 'failure', latencyMs: 20, tokens: 0, errorCode: 'upstream_server_error', errorMessage: 'upstream answered 500', probe: false };
/** Far longer than any settle the tests wait for: if one happens, it was not the budget. */
const BACKSTOP_MS = 5_000;
/** Deployments whose claims only serve to wait for Redis to catch up (see `drained`). */
const SYNC = ['sync-1', 'sync-2'];

describe('redis state store: Redis stops answering', () => {
  let relay: TcpRelay;
  let direct: Redis;
  let prefix: string;
  const opened: RedisStateStore[] = [];

  afterEach(async () => {
    relay?.thaw();
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await relay?.close();
    direct?.disconnect();
  });

  /** A store that reaches Redis through a relay the test can freeze, with its breaker for `deployments` open since T. */
  async function frozenStore(options: Partial<RedisStateStoreOptions> = {}, deployments = [D]): Promise<{ store: RedisStateStore; errors: Error[] }> {
    relay = createTcpRelay({ host: target.hostname, port: Number(target.port || 6379) });
    const port = await relay.listen();
    prefix = `junction-test:${randomUUID()}:`;
    direct = new Redis(REDIS_URL);
    const errors: Error[] = [];
    const store = createRedisStateStore({ url: `redis://127.0.0.1:${port}`, prefix, policy: () => policy, onError: (error) => errors.push(error), ...options });
    opened.push(store);
    await store.ready;
    for (const deployment of deployments) trip(store, deployment);
    relay.freeze();
    return { store, errors };
  }

  function trip(store: RedisStateStore, deployment: string): void {
    for (let index = 0; index < policy.consecutiveFailures; index += 1) store.attemptEnded(deployment, failure, T + index);
  }

  const slot = (deployment = D) => direct.get(`${prefix}probe:${deployment}`);

  /**
   * Resolves once Redis has answered everything `store` sent before, and whatever the store sent
   * on hearing those answers: claims on one connection are answered in order, and the second
   * is sent only once the first is answered. Both deployments must have an open breaker.
   */
  async function drained(store: RedisStateStore): Promise<void> {
    for (const deployment of SYNC) expect(await store.admit(deployment, later, BACKSTOP_MS)).toMatchObject({ probe: true });
  }

  it('answers a probe admit within the caller’s budget, with the local decision, and says why once', async () => {
    const { store, errors } = await frozenStore({ claimTimeoutMs: 60_000 });
    const admission = await settlesWithin(Promise.resolve(store.admit(D, later, 200)), BACKSTOP_MS, 'admit with a 200 ms budget');
    expect(admission).toMatchObject({ admitted: true, probe: true });
    // The local breaker counted it: a second admit is refused without asking Redis.
    expect(store.admit(D, later)).toMatchObject({ admitted: false });
    expect(errors.map((error) => error.message)).toEqual([expect.stringMatching(/did not answer .*within 200 ms/)]);
  });

  it('waits no longer than its own claim timeout when the caller has more time', async () => {
    const { store } = await frozenStore({ claimTimeoutMs: 100 });
    const admission = await settlesWithin(Promise.resolve(store.admit(D, later, 60_000)), BACKSTOP_MS, 'admit with a 100 ms claim timeout');
    expect(admission).toMatchObject({ admitted: true, probe: true });
  });

  it('waits no longer than its own claim timeout when the caller names no budget', async () => {
    const { store } = await frozenStore({ claimTimeoutMs: 100 });
    const admission = await settlesWithin(Promise.resolve(store.admit(D, later)), BACKSTOP_MS, 'admit with no budget');
    expect(admission).toMatchObject({ admitted: true, probe: true });
  });

  it('reports a stalled Redis once per interval, not once per request', async () => {
    let clock = 0;
    const deployments = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { store, errors } = await frozenStore({ claimTimeoutMs: 20, now: () => clock }, deployments);
    for (const deployment of deployments.slice(0, 5)) {
      expect(await settlesWithin(Promise.resolve(store.admit(deployment, later)), BACKSTOP_MS, `admit ${deployment}`)).toMatchObject({ probe: true });
    }
    expect(errors).toHaveLength(1);
    clock += 60_000;
    await settlesWithin(Promise.resolve(store.admit('f', later)), BACKSTOP_MS, 'admit f');
    expect(errors).toHaveLength(2);
    expect(errors[1].message).toMatch(/4 more since/);
  });

  it('hands a slot granted too late to the probe admitted meanwhile, which frees it at its end', async () => {
    const { store } = await frozenStore({ claimTimeoutMs: 60_000, probeLeaseMs: 60_000 }, [D, ...SYNC]);
    expect(await store.admit(D, later, 200)).toMatchObject({ admitted: true, probe: true });
    relay.thaw();
    await drained(store);
    expect(await slot()).toBe('1');
    store.attemptEnded(D, { ...failure, probe: true }, later + 10);
    await eventually(async () => (await slot()) === null, 'the probe’s end frees the slot');
  });

  it('frees at once a slot granted too late for a probe that already ended', async () => {
    const { store } = await frozenStore({ claimTimeoutMs: 50, probeLeaseMs: 60_000 });
    expect(await store.admit(D, later, 200)).toMatchObject({ admitted: true, probe: true });
    store.attemptEnded(D, { ...failure, probe: true }, later + 10);
    relay.thaw();
    // Had the slot stayed taken, every claim would be refused until its lease ran out.
    const retryAt = store.snapshot(D, later + 10).breaker.retryAt!;
    await eventually(async () => (await store.admit(D, retryAt, BACKSTOP_MS)).probe, 'a later probe gets the slot');
  });

  it('does not free a slot another replica holds when its own claim was refused too late', async () => {
    const { store: a } = await frozenStore({ claimTimeoutMs: 60_000 }, [D, ...SYNC]);
    const b = createRedisStateStore({ url: REDIS_URL, prefix, policy: () => policy });
    opened.push(b);
    await b.ready;
    trip(b, D);
    expect(await b.admit(D, later)).toMatchObject({ admitted: true, probe: true });
    expect(await slot()).toBe('1');

    // A, cut off, probes on its own view; its probe ends before Redis refuses its claim.
    expect(await a.admit(D, later, 200)).toMatchObject({ admitted: true, probe: true });
    a.attemptEnded(D, { verdict: 'neutral', latencyMs: 5, tokens: 0, probe: true }, later + 5);
    relay.thaw();
    await drained(a);
    expect(await slot()).toBe('1');
  });

  it('stops sending health batches Redis has not answered, and says so', async () => {
    const { store, errors } = await frozenStore({ publishIntervalMs: 1 });
    const ended = (at: number) => store.attemptEnded(D, { verdict: 'success', latencyMs: 10, tokens: 5, probe: false }, at);
    let at = T + 100;
    await until(() => {
      ended((at += 1));
      return errors.some((error) => /not answered the last \d+ health batches/.test(error.message));
    }, 'the unanswered batches are reported');
    const held = relay.heldBytes;
    for (let index = 0; index < 10; index += 1) {
      ended((at += 1));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(relay.heldBytes).toBe(held);
  });

  it('closes even though Redis no longer answers', async () => {
    const { store } = await frozenStore();
    store.attemptEnded(D, failure, T + 10);
    await settlesWithin(store.close(), BACKSTOP_MS, 'close');
  });
});
