/** Live health and breaker state behind the StateStore port, and its implementations. */
export type { Admission, EndedAttempt, StateStore } from './types';
export {
  createMemoryStateStore,
  type BreakerChange,
  type MemoryStateStoreOptions,
} from './memory/memory-state-store';
export { DEFAULT_RATE_LIMIT_COOLDOWN_MS } from './deployment-health';
export { DEFAULT_CLAIM_TIMEOUT_MS, DEFAULT_REDIS_PREFIX } from './types';
export {
  createRedisStateStore,
  type RedisStateStore,
  type RedisStateStoreOptions,
} from './redis/redis-state-store';
export { createStateStore } from './create-state-store';
