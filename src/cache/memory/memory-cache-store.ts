/**
 * The response cache in this process's memory: at most `maxBytes` of values, the least recently
 * used evicted first (a Map keeps insertion order, and a read moves its entry to the end), and
 * expired entries dropped when met. The clock is injected, so expiry is tested without waiting.
 */
import type { CacheStore, CacheUsage } from '../cache-store';

interface Entry {
  value: string;
  bytes: number;
  expiresAt: number;
}

export interface MemoryCacheStoreOptions {
  maxBytes: number;
  now: () => number;
}

export class MemoryCacheStore implements CacheStore {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly options: MemoryCacheStoreOptions) {}

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.options.now()) {
      this.bytes -= entry.bytes;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: string, ttlMs: number): void {
    const bytes = Buffer.byteLength(value);
    this.remove(key);
    if (bytes > this.options.maxBytes || ttlMs <= 0) return;
    this.entries.set(key, { value, bytes, expiresAt: this.options.now() + ttlMs });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.options.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  async clear(): Promise<number> {
    const count = this.entries.size;
    this.entries.clear();
    this.bytes = 0;
    return count;
  }

  async usage(): Promise<CacheUsage> {
    const now = this.options.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.remove(key);
    return { entries: this.entries.size, bytes: this.bytes };
  }

  async close(): Promise<void> {
    await this.clear();
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
