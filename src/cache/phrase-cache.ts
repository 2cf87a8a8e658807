/**
 * The phrase cache for speech, over the response cache's store (memory, LRU by bytes, or Redis)
 * and counters, on the route's own `cache` section (TTL and scope). Audio is kept as base64 in
 * JSON text, as every value in the store is text. Honours `x-junction-cache: bypass|refresh`
 * and `cache-control` exactly as the response cache does, and answers in `x-junction-cache`.
 */
import type { SpeechResponse } from '../canonical/speech';
import type { Exchange } from '../gateway/context';
import type { PhraseCache, PhraseQuery } from '../gateway/speech/phrase-cache';
import type { CacheStats } from './cache-stats';
import type { CacheStore } from './cache-store';
import { KeyHash } from './cache-key';
import { keep, noteHit, noteLookup, openEntry, type CacheEntry } from './cache-entry';

export interface PhraseCacheOptions {
  store: CacheStore;
  stats: CacheStats;
  now: () => number;
  /** Larger audio is not kept. */
  maxEntryBytes: number;
}

/** A phrase's audio as stored. */
interface StoredPhrase {
  audio: string;
  contentType: string;
  format: SpeechResponse['format'];
  model: string;
  voice: string;
  language?: string;
  characters: number;
  costUsd: number;
  storedAt: number;
}

/** The key of a phrase on a route, in a namespace (a key's or team's id, or '' when shared). */
export function phraseKey(route: string, namespace: string, query: PhraseQuery): string {
  const hash = new KeyHash('phrase', route, namespace, query.voice, query.format, String(query.speed), query.language ?? '', query.instructions ?? '');
  hash.text(query.input.trim());
  return hash.digest();
}

export function createPhraseCache(options: PhraseCacheOptions): PhraseCache {
  const { store, stats, now } = options;
  const pending = new WeakMap<Exchange, CacheEntry>();

  function served(exchange: Exchange, text: string | undefined): ReturnType<PhraseCache['lookup']> {
    const phrase = text === undefined ? undefined : decode(text);
    if (phrase === undefined) {
      noteLookup(exchange, stats, 'miss');
      return undefined;
    }
    pending.delete(exchange);
    noteHit(exchange, stats, 'exact', phrase.costUsd);
    const response: SpeechResponse = {
      audio: Buffer.from(phrase.audio, 'base64'),
      contentType: phrase.contentType,
      format: phrase.format,
      model: phrase.model,
      voice: phrase.voice,
      usage: { inputTokens: phrase.characters, outputTokens: 0 },
    };
    if (phrase.language !== undefined) response.language = phrase.language;
    return { response, costSavedUsd: phrase.costUsd };
  }

  return {
    lookup(exchange, query) {
      if (exchange.route.cache === undefined) return undefined;
      const entry = openEntry(exchange, stats, (namespace) => phraseKey(exchange.route.name, namespace, query));
      if (entry === undefined) return undefined;
      pending.set(exchange, entry);
      if (!entry.read) return undefined;
      const found = store.get(entry.key);
      // From memory a hit answers at once: no promise on the hit path.
      return found instanceof Promise ? found.then((text) => served(exchange, text)) : served(exchange, found);
    },

    store(exchange, response, costUsd) {
      const entry = pending.get(exchange);
      if (entry === undefined) return;
      pending.delete(exchange);
      const phrase: StoredPhrase = {
        audio: response.audio.toString('base64'),
        contentType: response.contentType,
        format: response.format,
        model: response.model,
        voice: response.voice,
        characters: response.usage.inputTokens,
        costUsd,
        storedAt: now(),
      };
      if (response.language !== undefined) phrase.language = response.language;
      keep(store, stats, exchange, entry, phrase, options.maxEntryBytes);
    },
  };
}

function decode(text: string): StoredPhrase | undefined {
  try {
    const phrase = JSON.parse(text) as StoredPhrase;
    return typeof phrase?.audio === 'string' && typeof phrase.contentType === 'string' ? phrase : undefined;
  } catch {
    return undefined;
  }
}
