/**
 * The response cache as app.ts wires it: the backend the config names, the counters, the
 * semantic index, and the pipeline stage over them.
 */
import type { CacheSettings } from '../config/types';
import type { ResponseCache } from '../gateway/stages';
import type { PhraseCache } from '../gateway/speech/phrase-cache';
import type { CacheStore } from './cache-store';
import { CacheStats } from './cache-stats';
import { MemoryCacheStore } from './memory/memory-cache-store';
import { RedisCacheStore } from './redis/redis-cache-store';
import { createPhraseCache } from './phrase-cache';
import { createResponseCache } from './response-cache';
import type { SemanticCache } from './semantic-cache';
import { SemanticIndex } from './semantic-index';

export interface CacheService {
  stage: ResponseCache;
  /** Speech: common phrases' audio, in the same store. */
  phrases: PhraseCache;
  stats: CacheStats;
  store: CacheStore;
  index: SemanticIndex;
  settings: CacheSettings;
  /** Resolves once a shared backend is connected, or after `ms`. */
  ready(ms: number): Promise<void>;
  /** Forgets every cached answer (and every vector); resolves to how many answers there were. */
  clear(): Promise<number>;
  close(): Promise<void>;
}

export interface StartCacheOptions {
  now: () => number;
  embed: SemanticCache['embed'];
  onError: (error: Error) => void;
}

export function startCache(settings: CacheSettings, options: StartCacheOptions): CacheService {
  const store =
    settings.kind === 'redis'
      ? new RedisCacheStore({ url: settings.url!, prefix: settings.prefix, timeoutMs: settings.timeoutMs, onError: options.onError })
      : new MemoryCacheStore({ maxBytes: settings.maxBytes, now: options.now });
  const stats = new CacheStats();
  const index = new SemanticIndex(settings.semanticMaxEntries, options.now);
  const stage = createResponseCache({ store, stats, now: options.now, maxEntryBytes: settings.maxEntryBytes, semantic: { index, embed: options.embed } });
  const phrases = createPhraseCache({ store, stats, now: options.now, maxEntryBytes: settings.maxEntryBytes });
  return {
    stage,
    phrases,
    stats,
    store,
    index,
    settings,
    ready: (ms) => (store instanceof RedisCacheStore ? store.ready(ms) : Promise.resolve()),
    async clear() {
      index.clear();
      return store.clear();
    },
    close: () => store.close(),
  };
}
