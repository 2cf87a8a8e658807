/**
 * The response cache's storage contract, run against every implementation (memory, Redis):
 * values round-trip exactly (UTF-8 included), expire after their TTL, are replaced by a later
 * write, are forgotten by `clear`, and are counted by `usage`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CacheStore } from '../../src/cache/cache-store';

export interface CacheStoreSuiteOptions {
  /** A fresh, empty store. */
  create(): Promise<CacheStore> | CacheStore;
  /** Lets `ms` pass for the store (an injected clock moves, or real time passes). */
  advance(ms: number): Promise<void>;
}

export function runCacheStoreSuite(name: string, options: CacheStoreSuiteOptions): void {
  describe(`cache store conformance: ${name}`, () => {
    const opened: CacheStore[] = [];
    const open = async () => {
      const store = await options.create();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) {
        await store.clear();
        await store.close();
      }
    });

    it('returns what was stored, byte for byte, and nothing for a key never stored', async () => {
      const store = await open();
      const value = JSON.stringify({ text: 'Grüße — 你好 🌍', n: 0.1 + 0.2 });
      store.set('a', value, 60_000);
      await settle();
      expect(await store.get('a')).toBe(value);
      expect(await store.get('b')).toBeUndefined();
    });

    it('forgets a value once its TTL has passed, and keeps one whose TTL has not', async () => {
      const store = await open();
      store.set('short', 'x', 40);
      store.set('long', 'y', 60_000);
      await settle();
      await options.advance(120);
      expect(await store.get('short')).toBeUndefined();
      expect(await store.get('long')).toBe('y');
    });

    it('a later write replaces the value and its TTL', async () => {
      const store = await open();
      store.set('k', 'first', 40);
      store.set('k', 'second', 60_000);
      await settle();
      await options.advance(120);
      expect(await store.get('k')).toBe('second');
    });

    it('counts entries and bytes, and clear forgets them all', async () => {
      const store = await open();
      store.set('one', 'é'.repeat(10), 60_000);
      store.set('two', 'abc', 60_000);
      await settle();
      expect(await store.usage()).toEqual({ entries: 2, bytes: 23 });
      expect(await store.clear()).toBe(2);
      expect(await store.usage()).toEqual({ entries: 0, bytes: 0 });
      expect(await store.get('one')).toBeUndefined();
    });
  });
}

/** Writes are fire and forget: give a networked store's write a moment to land. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
