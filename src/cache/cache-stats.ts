/**
 * The response cache's counters, per route, in this process: what callers asked of it and what
 * it saved them. Plain numbers bumped on the request path; read by /cache/stats, the admin API,
 * the dashboard and /metrics. (Every hit is also a ledger row, so totals across replicas come
 * from the ledger.)
 */
import type { CacheHitKind } from '../ledger/types';

export interface RouteCacheCounters {
  route: string;
  hits: number;
  semanticHits: number;
  misses: number;
  bypasses: number;
  refreshes: number;
  /** Answers stored, and their bytes. */
  stores: number;
  storedBytes: number;
  /** What the hits would have cost had an upstream answered them (USD). */
  costSavedUsd: number;
}

export type CacheLookupResult = 'miss' | 'bypass' | 'refresh';

export class CacheStats {
  private readonly routes = new Map<string, RouteCacheCounters>();

  hit(route: string, kind: CacheHitKind, costSavedUsd: number): void {
    const counters = this.of(route);
    if (kind === 'semantic') counters.semanticHits += 1;
    else counters.hits += 1;
    counters.costSavedUsd += costSavedUsd;
  }

  noted(route: string, result: CacheLookupResult): void {
    const counters = this.of(route);
    if (result === 'miss') counters.misses += 1;
    else if (result === 'bypass') counters.bypasses += 1;
    else counters.refreshes += 1;
  }

  stored(route: string, bytes: number): void {
    const counters = this.of(route);
    counters.stores += 1;
    counters.storedBytes += bytes;
  }

  /** A copy of every route's counters. */
  snapshot(): RouteCacheCounters[] {
    return [...this.routes.values()].map((counters) => ({ ...counters }));
  }

  private of(route: string): RouteCacheCounters {
    let counters = this.routes.get(route);
    if (counters === undefined) {
      counters = { route, hits: 0, semanticHits: 0, misses: 0, bypasses: 0, refreshes: 0, stores: 0, storedBytes: 0, costSavedUsd: 0 };
      this.routes.set(route, counters);
    }
    return counters;
  }
}

/** Hit rate over lookups that could have hit (bypasses and refreshes are the caller's choice, not misses). */
export function hitRate(counters: Pick<RouteCacheCounters, 'hits' | 'semanticHits' | 'misses'>): number {
  const hits = counters.hits + counters.semanticHits;
  const lookups = hits + counters.misses;
  return lookups === 0 ? 0 : hits / lookups;
}
