/**
 * Keys declared in the config, as records for the key ring. A config may give a key's hash, or
 * the key itself through an environment reference; the key is hashed here and dropped, so it
 * never sits in a record, a log line or the store.
 */
import { KEY_MARK, hashKey, keyPrefix, looksLikeHash, looksLikeKey } from './keys';
import type { KeyRecord, KeySettings, Scope } from './types';

/** What the config says about one key. Give exactly one of `key` and `hash`. */
export interface ConfigKey extends KeySettings {
  id: string;
  /** The key itself (typically from an env reference); must look like a key (`jk-` and 43 base62 digits). */
  key?: string;
  /** Or the key's SHA-256, hex (either case). */
  hash?: string;
  /** What to show for a key given by hash (default `jk-`); a key given as itself shows its own. */
  prefix?: string;
  /** Default: the id. */
  name?: string;
}

/** The model APIs: what a config key may do unless it says otherwise. */
export const DEFAULT_CONFIG_KEY_SCOPES: readonly Scope[] = ['chat', 'embeddings'];

/**
 * The record of a config key: source `config`, version 0, created at `createdAt` (the time the
 * config was loaded). Throws, naming the key's id, if it gives neither or both of `key` and
 * `hash`, or one that is malformed; a typo then fails the config load instead of silently
 * locking the key's owner out.
 */
export function keyRecordFromConfig(entry: ConfigKey, createdAt = 0): KeyRecord {
  if ((entry.key === undefined) === (entry.hash === undefined)) {
    throw new Error(`config key ${entry.id}: give exactly one of key and hash`);
  }
  let hash: string;
  let prefix: string;
  if (entry.key !== undefined) {
    // The message must not quote the value: it is a secret, maybe a real one with a typo.
    if (!looksLikeKey(entry.key)) throw new Error(`config key ${entry.id}: key is not a Junction key (${KEY_MARK} and 43 letters or digits)`);
    hash = hashKey(entry.key);
    prefix = keyPrefix(entry.key);
  } else {
    if (!looksLikeHash(entry.hash!)) throw new Error(`config key ${entry.id}: hash is not a SHA-256 digest in hex (64 digits)`);
    hash = entry.hash!.toLowerCase();
    prefix = entry.prefix ?? KEY_MARK;
  }
  const record: KeyRecord = {
    id: entry.id,
    prefix,
    hash,
    name: entry.name ?? entry.id,
    tier: entry.tier ?? 'standard',
    routes: [...(entry.routes ?? ['*'])],
    scopes: [...(entry.scopes ?? DEFAULT_CONFIG_KEY_SCOPES)],
    metadata: { ...entry.metadata },
    limits: { ...entry.limits },
    budgets: (entry.budgets ?? []).map((budget) => ({ ...budget })),
    createdAt,
    source: 'config',
    version: 0,
  };
  if (entry.team !== undefined) record.team = entry.team;
  if (entry.expiresAt !== undefined) record.expiresAt = entry.expiresAt;
  return record;
}
