import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from '../../src/cache/memory/memory-cache-store';
import { RedisCacheStore } from '../../src/cache/redis/redis-cache-store';
import { runCacheStoreSuite } from '../conformance/cache-store.suite';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let clock = 1_000_000;
runCacheStoreSuite('memory', {
  create: () => new MemoryCacheStore({ maxBytes: 1 << 20, now: () => clock }),
  advance: async (ms) => {
    clock += ms;
  },
});

runCacheStoreSuite('redis', {
  create: async () => {
    const store = new RedisCacheStore({ url: REDIS_URL, prefix: `junction-test:cache:${randomUUID()}:`, timeoutMs: 1_000 });
    await store.ready(2_000);
    return store;
  },
  // Redis expires keys on its own clock: real time has to pass.
  advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

describe('memory cache store bounds', () => {
  it('evicts the least recently used entries once over its byte budget', async () => {
    let now = 0;
    const store = new MemoryCacheStore({ maxBytes: 30, now: () => now });
    store.set('a', '0123456789', 1_000);
    store.set('b', '0123456789', 1_000);
    store.get('a'); // a is now the most recently used
    store.set('c', '0123456789', 1_000);
    store.set('d', '0123456789', 1_000);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBe('0123456789');
    expect(store.get('d')).toBe('0123456789');
    expect((await store.usage()).bytes).toBeLessThanOrEqual(30);
    now += 1_000;
    expect(await store.usage()).toEqual({ entries: 0, bytes: 0 });
  });

  it('does not keep a value larger than its whole budget', () => {
    const store = new MemoryCacheStore({ maxBytes: 5, now: () => 0 });
    store.set('big', '0123456789', 1_000);
    expect(store.get('big')).toBeUndefined();
  });
});

describe('redis cache store when Redis is away', () => {
  it('answers a lookup as a miss within its deadline instead of failing the request', async () => {
    const errors: Error[] = [];
    const store = new RedisCacheStore({ url: 'redis://127.0.0.1:1', prefix: 'x:', timeoutMs: 30, onError: (error) => errors.push(error) });
    expect(await store.get('anything')).toBeUndefined();
    store.set('anything', 'value', 1_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(errors.length).toBeGreaterThan(0);
    await store.close();
  });
});
