import type { StateSettings } from '../config/types';
import { createMemoryStateStore, type MemoryStateStoreOptions } from './memory/memory-state-store';
import { createRedisStateStore } from './redis/redis-state-store';
import type { StateStore } from './types';

/** The store the config names. A Redis store connects in the background and serves from its local copy meanwhile. */
export function createStateStore(settings: StateSettings, options: MemoryStateStoreOptions & { onError?: (error: Error) => void }): StateStore {
  if (settings.kind === 'memory') return createMemoryStateStore(options);
  return createRedisStateStore({ ...options, url: settings.url, prefix: settings.prefix, claimTimeoutMs: settings.claimTimeoutMs });
}
