/**
 * The response cache as operators see it (GET /cache/stats, GET /admin/cache, the dashboard,
 * MCP): where answers are kept and how much, and per route what callers asked of the cache and
 * what it saved them. Counters are this process's since it started; every hit is also a ledger
 * row with its `cost_saved_usd`, for totals across replicas and time.
 */
import type { CacheService } from '../cache/start-cache';
import { hitRate, type RouteCacheCounters } from '../cache/cache-stats';
import type { Catalog } from '../routing/catalog';

export interface CacheRouteView {
  route: string;
  ttl_seconds: number;
  scope: string;
  semantic: boolean;
  hits: number;
  semantic_hits: number;
  misses: number;
  bypasses: number;
  refreshes: number;
  hit_rate: number;
  stores: number;
  stored_bytes: number;
  cost_saved_usd: number;
}

export interface CacheStatsView {
  /** Whether any route caches its answers. */
  enabled: boolean;
  backend: 'memory' | 'redis';
  /** Answers held now, and their size. */
  entries: number;
  bytes: number;
  /** memory: the most the answers may take. */
  max_bytes?: number;
  /** Questions in the semantic index. */
  semantic_entries: number;
  hits: number;
  semantic_hits: number;
  misses: number;
  bypasses: number;
  refreshes: number;
  hit_rate: number;
  stores: number;
  cost_saved_usd: number;
  routes: CacheRouteView[];
  note: string;
}

export async function cacheStatsView(cache: CacheService, catalog: Catalog): Promise<CacheStatsView> {
  const usage = await cache.store.usage();
  const counted = new Map(cache.stats.snapshot().map((counters) => [counters.route, counters]));
  const routes: CacheRouteView[] = [];
  const total = emptyCounters('');
  for (const route of catalog.routes.values()) {
    if (route.cache === undefined) continue;
    const counters = counted.get(route.name) ?? emptyCounters(route.name);
    addInto(total, counters);
    routes.push({
      route: route.name,
      ttl_seconds: route.cache.ttlSeconds,
      scope: route.cache.scope,
      semantic: route.cache.semantic !== undefined,
      hits: counters.hits,
      semantic_hits: counters.semanticHits,
      misses: counters.misses,
      bypasses: counters.bypasses,
      refreshes: counters.refreshes,
      hit_rate: hitRate(counters),
      stores: counters.stores,
      stored_bytes: counters.storedBytes,
      cost_saved_usd: counters.costSavedUsd,
    });
  }
  const view: CacheStatsView = {
    enabled: routes.length > 0,
    backend: cache.settings.kind,
    entries: usage.entries,
    bytes: usage.bytes,
    semantic_entries: cache.index.size,
    hits: total.hits,
    semantic_hits: total.semanticHits,
    misses: total.misses,
    bypasses: total.bypasses,
    refreshes: total.refreshes,
    hit_rate: hitRate(total),
    stores: total.stores,
    cost_saved_usd: total.costSavedUsd,
    routes,
    note:
      routes.length > 0
        ? "counters are this process's since it started; the ledger has every hit with its cost saved"
        : 'no route caches its answers: add a cache section to a route',
  };
  if (cache.settings.kind === 'memory') view.max_bytes = cache.settings.maxBytes;
  return view;
}

function emptyCounters(route: string): RouteCacheCounters {
  return { route, hits: 0, semanticHits: 0, misses: 0, bypasses: 0, refreshes: 0, stores: 0, storedBytes: 0, costSavedUsd: 0 };
}

function addInto(total: RouteCacheCounters, counters: RouteCacheCounters): void {
  total.hits += counters.hits;
  total.semanticHits += counters.semanticHits;
  total.misses += counters.misses;
  total.bypasses += counters.bypasses;
  total.refreshes += counters.refreshes;
  total.stores += counters.stores;
  total.storedBytes += counters.storedBytes;
  total.costSavedUsd += counters.costSavedUsd;
}
