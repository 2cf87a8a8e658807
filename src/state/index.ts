/**
 * Live health and breaker state behind the StateStore port, and its in-memory implementation.
 * The Redis one (src/state/redis) is imported where it is wired, so that what imports this
 * module does not load a Redis client.
 */
export type { Admission, EndedAttempt, StateStore } from './types';
export {
  createMemoryStateStore,
  type BreakerChange,
  type MemoryStateStoreOptions,
} from './memory/memory-state-store';
export { DEFAULT_RATE_LIMIT_COOLDOWN_MS } from './deployment-health';
