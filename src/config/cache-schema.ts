/**
 * The response cache's sections: the top-level `cache` (where answers are kept: this process's
 * memory, bounded by bytes, or Redis shared by replicas) and a route's `cache` (TTL, who may be
 * served whose answers, and the opt-in semantic cache).
 */
import { z } from 'zod';
import { CACHE_SCOPES } from '../cache/types';
import { headerName, nonEmptyString, positiveInteger, redisUrl } from './schema-helpers';

export const cacheSchema = z
  .strictObject({
    kind: z.enum(['memory', 'redis']).default('memory'),
    url: redisUrl().optional(),
    prefix: nonEmptyString().default('junction:cache:'),
    /** memory: the most the cached answers may take, least recently used evicted first. */
    maxBytes: positiveInteger().default(64 * 1024 * 1024),
    /** Answers larger than this are not cached. */
    maxEntryBytes: positiveInteger().default(1024 * 1024),
    /** redis: the longest a lookup waits before the request goes on as a miss (ms). */
    timeoutMs: positiveInteger().default(50),
    /** semantic: the most questions the in-process vector index holds. */
    semanticMaxEntries: positiveInteger().default(100_000),
  })
  .refine((cache) => cache.kind !== 'redis' || cache.url !== undefined, { message: 'a redis:// URL when kind is redis, such as redis://127.0.0.1:6379', path: ['url'] })
  .prefault({});

export const routeCacheSchema = z.strictObject({
  ttlSeconds: positiveInteger().default(3_600),
  scope: z.enum(CACHE_SCOPES as [string, ...string[]]).default('key'),
  semantic: z
    .strictObject({
      embeddingRoute: headerName(),
      threshold: z.number().gt(0).max(1).default(0.95),
      dimensions: positiveInteger().optional(),
      maxChars: positiveInteger().default(8_000),
    })
    .optional(),
});
