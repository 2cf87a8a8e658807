/**
 * The pipeline's cache stage: answers kept per route (its `cache` section) and served again to
 * the same request, or, on routes that opt in, to a close enough question. After admission,
 * before planning; a hit costs nothing and is recorded as such.
 *
 * Per request the caller may say `x-junction-cache: bypass` (neither read nor write) or
 * `refresh` (ask an upstream, store its answer), or send `cache-control: no-store` / `no-cache`
 * for the same. The answer says what happened in `x-junction-cache`: hit, miss, bypass or refresh.
 */
import type { ChatRequest } from '../canonical/types';
import type { Exchange } from '../gateway/context';
import type { ResponseCache } from '../gateway/stages';
import type { CacheStore } from './cache-store';
import type { CacheStats } from './cache-stats';
import { answerCost, headersOf, keep, noteHit, noteLookup, openEntry, type CacheEntry } from './cache-entry';
import { exactKey, semanticQuery } from './cache-key';
import type { SemanticCache } from './semantic-cache';
import type { CacheHit, StoredAnswer } from './types';

export interface ResponseCacheOptions {
  store: CacheStore;
  stats: CacheStats;
  now: () => number;
  /** Larger answers are not kept. */
  maxEntryBytes: number;
  /** Present when some route has a semantic policy. */
  semantic?: SemanticCache;
}

/** What a lookup left for the store step of the same request. */
interface Pending extends CacheEntry {
  semantic?: { partition: string; vector: number[] };
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const { store, stats, now } = options;
  const pending = new WeakMap<Exchange, Pending>();

  /** After the exact lookup: a hit, or the semantic lookup where the route has one, or a miss. */
  async function afterExact(exchange: Exchange, request: ChatRequest, entry: Pending, found: string | undefined): Promise<CacheHit | undefined> {
    const hit = found === undefined ? undefined : decode(found);
    if (hit !== undefined) return served(exchange, hit, 'exact');
    const policy = exchange.route.cache!.semantic;
    if (policy !== undefined && options.semantic !== undefined) {
      const query = semanticQuery(exchange.route.name, entry.namespace, request);
      if (query !== undefined && query.question.length <= policy.maxChars) {
        const vector = await options.semantic.embed(query.question, policy, exchange);
        if (vector !== undefined) {
          entry.semantic = { partition: query.partition, vector };
          const match = options.semantic.index.nearest(query.partition, vector, policy.threshold);
          const text = match === undefined ? undefined : await store.get(match.key);
          const near = text === undefined ? undefined : decode(text);
          if (near !== undefined) {
            headersOf(exchange)['x-junction-cache-similarity'] = match!.similarity.toFixed(4);
            return served(exchange, near, 'semantic');
          }
        }
      }
    }
    noteLookup(exchange, stats, 'miss');
    return undefined;
  }

  function served(exchange: Exchange, answer: StoredAnswer, kind: CacheHit['kind']): CacheHit {
    pending.delete(exchange);
    noteHit(exchange, stats, kind, answer.costUsd);
    return { response: answer.response, kind, costSavedUsd: answer.costUsd };
  }

  return {
    lookup(exchange, request) {
      const policy = exchange.route.cache;
      if (policy === undefined) return undefined;
      const entry: Pending | undefined = openEntry(exchange, stats, (namespace) => exactKey(exchange.route.name, namespace, request));
      if (entry === undefined) return undefined;
      pending.set(exchange, entry);
      if (!entry.read) return undefined;
      const found = store.get(entry.key);
      // From memory an exact hit answers at once: no promise on the hit path.
      if (!(found instanceof Promise) && policy.semantic === undefined) {
        const hit = found === undefined ? undefined : decode(found);
        if (hit !== undefined) return served(exchange, hit, 'exact');
        noteLookup(exchange, stats, 'miss');
        return undefined;
      }
      return found instanceof Promise ? found.then((text) => afterExact(exchange, request, entry, text)) : afterExact(exchange, request, entry, found);
    },

    store(exchange, _request, response) {
      const entry = pending.get(exchange);
      if (entry === undefined) return;
      pending.delete(exchange);
      // An answer that says it failed is not worth serving twice.
      if (response.finishReason.unified === 'error') return;
      const answer: StoredAnswer = { response, costUsd: answerCost(exchange), storedAt: now() };
      if (exchange.record.deployment !== undefined) answer.deployment = exchange.record.deployment;
      if (!keep(store, stats, exchange, entry, answer, options.maxEntryBytes)) return;
      if (entry.semantic !== undefined) options.semantic?.index.add(entry.semantic.partition, entry.semantic.vector, entry.key, answer.storedAt + entry.ttlMs);
    },
  };
}

function decode(text: string): StoredAnswer | undefined {
  try {
    const answer = JSON.parse(text) as StoredAnswer;
    return typeof answer?.response?.text === 'string' ? answer : undefined;
  } catch {
    return undefined;
  }
}
