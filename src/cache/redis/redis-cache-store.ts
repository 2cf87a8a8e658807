/**
 * The response cache in Redis, shared by replicas: one string per answer with Redis's own
 * expiry (`SET … PX`). Commands are never queued while Redis is away and a lookup waits at most
 * `timeoutMs` (measured as replyDeadline measures it), so a slow or absent Redis turns hits into
 * misses and never holds a request up; writes are fire and forget.
 */
import { Redis } from 'ioredis';
import { replyDeadline } from '../../state/redis/reply-deadline';
import { settledOrAfter } from '../../state/redis/close-grace';
import type { CacheStore, CacheUsage } from '../cache-store';

export interface RedisCacheStoreOptions {
  url: string;
  /** Namespace of every key, e.g. `junction:cache:`. */
  prefix: string;
  timeoutMs: number;
  /** Told (rate-limited by the caller) when Redis fails or is late. */
  onError?: (error: Error) => void;
}

/** Usage counts at most this many entries: it is an operator's view, not an inventory. */
const USAGE_SCAN_LIMIT = 100_000;

export class RedisCacheStore implements CacheStore {
  private readonly client: Redis;
  private readonly entryPrefix: string;

  constructor(private readonly options: RedisCacheStoreOptions) {
    this.client = new Redis(options.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false, lazyConnect: false });
    this.client.on('error', (error: Error) => options.onError?.(error));
    this.entryPrefix = `${options.prefix}e:`;
  }

  /** Resolves once connected (or after `ms`), so a first request is not a miss for want of a socket. */
  ready(ms: number): Promise<void> {
    if (this.client.status === 'ready') return Promise.resolve();
    return settledOrAfter(new Promise((resolve) => this.client.once('ready', resolve)), ms);
  }

  get(key: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      const deadline = replyDeadline(this.options.timeoutMs, () => {
        this.options.onError?.(new Error(`redis cache lookup took longer than ${this.options.timeoutMs} ms`));
        resolve(undefined);
      });
      this.client.get(this.entryPrefix + key).then(
        (value) => {
          deadline.cancel();
          resolve(value ?? undefined);
        },
        (error: Error) => {
          deadline.cancel();
          this.options.onError?.(error);
          resolve(undefined);
        },
      );
    });
  }

  set(key: string, value: string, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.client.set(this.entryPrefix + key, value, 'PX', Math.ceil(ttlMs)).catch((error: Error) => this.options.onError?.(error));
  }

  async clear(): Promise<number> {
    let removed = 0;
    for await (const keys of this.scan()) {
      if (keys.length > 0) removed += await this.client.unlink(...keys);
    }
    return removed;
  }

  async usage(): Promise<CacheUsage> {
    let entries = 0;
    let bytes = 0;
    for await (const keys of this.scan()) {
      if (keys.length === 0) continue;
      const pipeline = this.client.pipeline();
      for (const key of keys) pipeline.strlen(key);
      for (const [error, length] of (await pipeline.exec()) ?? []) {
        if (error || typeof length !== 'number' || length === 0) continue;
        entries += 1;
        bytes += length;
      }
      if (entries >= USAGE_SCAN_LIMIT) break;
    }
    return { entries, bytes };
  }

  async close(): Promise<void> {
    await settledOrAfter(this.client.quit().catch(() => undefined));
    this.client.disconnect();
  }

  private async *scan(): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', `${this.entryPrefix}*`, 'COUNT', 1000);
      cursor = next;
      yield keys;
    } while (cursor !== '0');
  }
}
