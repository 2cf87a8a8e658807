/**
 * The steps every cache on the request path takes, whatever it keeps (chat answers, speech
 * phrases): the caller's directive, the namespace its scope allows, the `x-junction-cache` and
 * cost-saved headers with their counters, and the size-bounded write.
 */
import { JunctionError } from '../errors';
import type { Exchange, Principal } from '../gateway/context';
import type { RoutingHints } from '../gateway/routing-hints';
import type { CacheHitKind } from '../ledger/types';
import type { CacheLookupResult, CacheStats } from './cache-stats';
import type { CacheStore } from './cache-store';
import type { CacheDirective, CacheScope } from './types';

export const CACHE_HEADER = 'x-junction-cache';

/** What one request may do with its route's cache: write `key` for `ttlMs`, and read it first unless refreshing. */
export interface CacheEntry {
  key: string;
  ttlMs: number;
  namespace: string;
  read: boolean;
}

/**
 * The entry for a request on a route with a `cache` section, from the key its namespace gives;
 * none when the caller bypasses the cache. Bypass and refresh are answered and counted here.
 */
export function openEntry(exchange: Exchange, stats: CacheStats, keyOf: (namespace: string) => string): CacheEntry | undefined {
  const policy = exchange.route.cache!;
  const directive = directiveOf(exchange.context.hints);
  if (directive === 'bypass') {
    noteLookup(exchange, stats, 'bypass');
    return undefined;
  }
  const namespace = namespaceOf(policy.scope, exchange.principal);
  const read = directive !== 'refresh';
  if (!read) noteLookup(exchange, stats, 'refresh');
  return { key: keyOf(namespace), ttlMs: policy.ttlSeconds * 1_000, namespace, read };
}

/** A lookup that served nothing: the header says why, and the route's counters count it. */
export function noteLookup(exchange: Exchange, stats: CacheStats, result: CacheLookupResult): void {
  headersOf(exchange)[CACHE_HEADER] = result;
  stats.noted(exchange.route.name, result);
}

/** A hit: the headers say so and what it saved; the route's counters add it. */
export function noteHit(exchange: Exchange, stats: CacheStats, kind: CacheHitKind, costSavedUsd: number): void {
  const headers = headersOf(exchange);
  headers[CACHE_HEADER] = 'hit';
  headers['x-junction-cost-saved-usd'] = costSavedUsd.toFixed(8);
  stats.hit(exchange.route.name, kind, costSavedUsd);
}

/** Writes `value` as JSON under the entry unless it is larger than `maxEntryBytes`; whether it was kept. */
export function keep(store: CacheStore, stats: CacheStats, exchange: Exchange, entry: CacheEntry, value: unknown, maxEntryBytes: number): boolean {
  const text = JSON.stringify(value);
  const bytes = Buffer.byteLength(text);
  if (bytes > maxEntryBytes) return false;
  store.set(entry.key, text, entry.ttlMs);
  stats.stored(exchange.route.name, bytes);
  return true;
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

export function headersOf(exchange: Exchange): Record<string, string> {
  return (exchange.context.responseHeaders ??= {});
}
