/**
 * Runs that use Redis put every key under a prefix of their own and delete them at the end, so
 * a bench never reads another run's counters nor leaves its own behind.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** Where a run's Redis keys go unless told otherwise (`--redis`, or REDIS_URL). */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** A prefix no other run shares, e.g. `junction-bench:<uuid>:`. */
export function runPrefix(): string {
  return `junction-bench:${randomUUID()}:`;
}

/** Fails within `timeoutMs` with a readable message when no Redis answers at `url`. */
export async function checkRedis(url: string, timeoutMs = 3_000): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(`no Redis at ${url} (${error instanceof Error ? error.message : String(error)}); start one or pass --redis <url>`);
  } finally {
    client.disconnect();
  }
}

/** Deletes every key under `prefix`; returns how many there were. */
export async function deleteKeysUnder(url: string, prefix: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
      if (keys.length > 0) deleted += await client.del(...keys);
      cursor = nextCursor;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return deleted;
}
