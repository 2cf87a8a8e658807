/**
 * Counters that requests draw on (rate limits, quotas and budgets, concurrency) behind the
 * LimitStore port, and its in-memory implementation. The Redis one
 * (src/access/limits/redis/redis-limit-store.ts) is imported where it is wired, so that what
 * imports this module does not load a Redis client.
 */
export type { Crossing, Draw, Headroom, LimitRule, LimitStore, Refusal, Reservation, ReserveOutcome } from './types';
export { createMemoryLimitStore, type MemoryLimitStore, type MemoryLimitStoreOptions } from './memory-limit-store';
