/**
 * The response cache's vocabulary: a route's policy (from the config), what a caller may ask of
 * the cache per request, and what a hit carries back to the pipeline.
 */
import type { ChatResponse } from '../canonical/types';
import type { CacheHitKind } from '../ledger/types';

/** Who may be served an answer another request paid for. */
export type CacheScope = 'key' | 'team' | 'shared';
export const CACHE_SCOPES: readonly CacheScope[] = ['key', 'team', 'shared'];

/** A route's `cache` section. */
export interface RouteCachePolicy {
  /** How long an answer stays servable. */
  ttlSeconds: number;
  /** `key` (default): only the virtual key that paid for an answer is served it; `team`: its team; `shared`: every caller. */
  scope: CacheScope;
  /** Opt-in: also serve an answer to a close enough question (same conversation before it, same parameters). */
  semantic?: SemanticPolicy;
}

export interface SemanticPolicy {
  /** The embeddings route that turns the last user message into a vector. */
  embeddingRoute: string;
  /** Cosine similarity a stored question must reach to be served (0..1). */
  threshold: number;
  /** Vector length asked of the embedding route; its own default when absent. */
  dimensions?: number;
  /** Longer questions are not embedded (nor served semantically). */
  maxChars: number;
}

/** Per request: `bypass` neither reads nor writes the cache; `refresh` asks the upstream and stores its answer. */
export type CacheDirective = 'use' | 'bypass' | 'refresh';

/** A cached answer, as stored (JSON text in every backend). */
export interface StoredAnswer {
  response: ChatResponse;
  /** What the answer cost when it was paid for: a hit saves this. */
  costUsd: number;
  /** Unix ms. */
  storedAt: number;
  /** The deployment that produced it. */
  deployment?: string;
}

/** What the cache stage hands the pipeline on a hit. */
export interface CacheHit {
  response: ChatResponse;
  kind: CacheHitKind;
  costSavedUsd: number;
}
