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
import { JunctionError } from '../errors';
import type { Exchange, Principal } from '../gateway/context';
import type { ResponseCache } from '../gateway/stages';
import type { RoutingHints } from '../gateway/routing-hints';
import type { CacheStore } from './cache-store';
import type { CacheStats } from './cache-stats';
import { exactKey, semanticQuery } from './cache-key';
import type { SemanticCache } from './semantic-cache';
import type { CacheDirective, CacheHit, CacheScope, StoredAnswer } from './types';

export const CACHE_HEADER = 'x-junction-cache';

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
interface Pending {
  key: string;
  ttlMs: number;
  semantic?: { partition: string; vector: number[] };
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const { store, stats, now } = options;
  const pending = new WeakMap<Exchange, Pending>();

  /** After the exact lookup: a hit, or the semantic lookup where the route has one, or a miss. */
  async function afterExact(exchange: Exchange, request: ChatRequest, namespace: string, found: string | undefined): Promise<CacheHit | undefined> {
    const hit = found === undefined ? undefined : decode(found);
    if (hit !== undefined) return served(exchange, hit, 'exact');
    const policy = exchange.route.cache!.semantic;
    if (policy !== undefined && options.semantic !== undefined) {
      const query = semanticQuery(exchange.route.name, namespace, request);
      if (query !== undefined && query.question.length <= policy.maxChars) {
        const vector = await options.semantic.embed(query.question, policy, exchange);
        if (vector !== undefined) {
          pending.get(exchange)!.semantic = { partition: query.partition, vector };
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
    headersOf(exchange)[CACHE_HEADER] = 'miss';
    stats.noted(exchange.route.name, 'miss');
    return undefined;
  }

  function served(exchange: Exchange, answer: StoredAnswer, kind: CacheHit['kind']): CacheHit {
    pending.delete(exchange);
    const headers = headersOf(exchange);
    headers[CACHE_HEADER] = 'hit';
    headers['x-junction-cost-saved-usd'] = answer.costUsd.toFixed(8);
    stats.hit(exchange.route.name, kind, answer.costUsd);
    return { response: answer.response, kind, costSavedUsd: answer.costUsd };
  }

  return {
    lookup(exchange, request) {
      const policy = exchange.route.cache;
      if (policy === undefined) return undefined;
      const directive = directiveOf(exchange.context.hints);
      const route = exchange.route.name;
      if (directive === 'bypass') {
        headersOf(exchange)[CACHE_HEADER] = 'bypass';
        stats.noted(route, 'bypass');
        return undefined;
      }
      const namespace = namespaceOf(policy.scope, exchange.principal);
      pending.set(exchange, { key: exactKey(route, namespace, request), ttlMs: policy.ttlSeconds * 1_000 });
      if (directive === 'refresh') {
        headersOf(exchange)[CACHE_HEADER] = 'refresh';
        stats.noted(route, 'refresh');
        return undefined;
      }
      const found = store.get(pending.get(exchange)!.key);
      // From memory an exact hit answers at once: no promise on the hit path.
      if (!(found instanceof Promise) && policy.semantic === undefined) {
        const hit = found === undefined ? undefined : decode(found);
        if (hit !== undefined) return served(exchange, hit, 'exact');
        headersOf(exchange)[CACHE_HEADER] = 'miss';
        stats.noted(route, 'miss');
        return undefined;
      }
      return found instanceof Promise ? found.then((text) => afterExact(exchange, request, namespace, text)) : afterExact(exchange, request, namespace, found);
    },

    store(exchange, _request, response) {
      const entry = pending.get(exchange);
      if (entry === undefined) return;
      pending.delete(exchange);
      // An answer that says it failed is not worth serving twice.
      if (response.finishReason.unified === 'error') return;
      const answer: StoredAnswer = { response, costUsd: answerCost(exchange), storedAt: now() };
      if (exchange.record.deployment !== undefined) answer.deployment = exchange.record.deployment;
      const text = JSON.stringify(answer);
      const bytes = Buffer.byteLength(text);
      if (bytes > options.maxEntryBytes) return;
      store.set(entry.key, text, entry.ttlMs);
      stats.stored(exchange.route.name, bytes);
      if (entry.semantic !== undefined) options.semantic?.index.add(entry.semantic.partition, entry.semantic.vector, entry.key, answer.storedAt + entry.ttlMs);
    },
  };
}

/** What the caller asked of the cache; a 400 naming the header for a value it cannot mean. */
export function directiveOf(hints: RoutingHints | undefined): CacheDirective {
  if (hints === undefined) return 'use';
  if (hints.cache !== undefined) {
    const value = hints.cache.toLowerCase();
    if (value === 'bypass' || value === 'refresh' || value === 'use') return value;
    throw new JunctionError('invalid_request', `${CACHE_HEADER}: expected bypass, refresh or use, got '${hints.cache.slice(0, 40)}'`, { param: CACHE_HEADER });
  }
  if (hints.cacheControl !== undefined) {
    const directives = hints.cacheControl.toLowerCase().split(',').map((part) => part.trim());
    if (directives.includes('no-store')) return 'bypass';
    if (directives.includes('no-cache')) return 'refresh';
  }
  return 'use';
}

/** Whose answers a caller may be served: its own key's, its team's, or everyone's. */
export function namespaceOf(scope: CacheScope, principal: Principal | undefined): string {
  if (scope === 'shared') return '';
  if (principal === undefined) return 'anonymous';
  if (scope === 'team' && principal.team !== undefined) return `team:${principal.team}`;
  return `key:${principal.id}`;
}

/** What the answer cost: the attempt that produced it (not the failures before it, nor a hedge's loser). */
export function answerCost(exchange: Exchange): number {
  const { attempts, deployment } = exchange.record;
  for (let index = attempts.length - 1; index >= 0; index--) {
    const attempt = attempts[index]!;
    if (attempt.outcome === 'success' && attempt.deployment === deployment) return attempt.costUsd;
  }
  return 0;
}

function decode(text: string): StoredAnswer | undefined {
  try {
    const answer = JSON.parse(text) as StoredAnswer;
    return typeof answer?.response?.text === 'string' ? answer : undefined;
  } catch {
    return undefined;
  }
}

function headersOf(exchange: Exchange): Record<string, string> {
  return (exchange.context.responseHeaders ??= {});
}

