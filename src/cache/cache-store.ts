/**
 * The response cache's storage port: JSON text under a key, for a time. Two implementations
 * pass one conformance suite (test/conformance/cache-store.suite.ts): this process's memory,
 * bounded by bytes with the least recently used evicted first, and Redis shared by replicas.
 * Values are text in both, so a hit is a fresh object whatever the backend: no caller can
 * change what another is served.
 */
export interface CacheStore {
  /** The value under `key`, unless absent or expired. From memory, at once; from Redis, a promise that resolves undefined rather than wait past its deadline. */
  get(key: string): string | undefined | Promise<string | undefined>;
  /** Keeps `value` under `key` for `ttlMs`. Never throws: a value that cannot be kept is simply not kept. */
  set(key: string, value: string, ttlMs: number): void;
  /** Forgets every entry; resolves to how many there were. */
  clear(): Promise<number>;
  /** What is held now. */
  usage(): Promise<CacheUsage>;
  close(): Promise<void>;
}

export interface CacheUsage {
  entries: number;
  /** The stored values' size in bytes (UTF-8). */
  bytes: number;
}
