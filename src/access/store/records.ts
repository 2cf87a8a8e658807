/**
 * The rules every AccessStore applies the same way, whatever keeps the records: what may be
 * stored as a key, how a patch changes a record, and which keys count as active.
 */
import { JunctionError } from '../../errors';
import { KEY_PREFIX_LENGTH } from '../keys';
import type { KeyRecord, TeamRecord } from '../types';
import type { KeyPatch, TeamPatch } from './types';

const STORED_HASH = /^[0-9a-f]{64}$/;

/**
 * Refuses a record that could hold the key itself: the hash must be a lowercase SHA-256 digest
 * and the prefix no longer than a prefix is. A store never sees a key, and this keeps a caller's
 * slip (passing the key as its hash) from writing one to disk.
 */
export function assertStorableKey(record: KeyRecord): void {
  if (!STORED_HASH.test(record.hash)) {
    throw new JunctionError('invalid_request', `key ${record.id}: hash must be a SHA-256 digest in lowercase hex`, { param: 'hash' });
  }
  if (record.prefix.length > KEY_PREFIX_LENGTH) {
    throw new JunctionError('invalid_request', `key ${record.id}: prefix must be at most ${KEY_PREFIX_LENGTH} characters`, { param: 'prefix' });
  }
}

const OPTIONAL_KEY_FIELDS = ['team', 'expiresAt', 'revokedAt'] as const;

/**
 * The record with the patch applied and the new version. A patch field given as `undefined`
 * removes an optional field (`team`, `expiresAt`, `revokedAt`) and leaves a required one as
 * it was; a field the patch does not name is left as it was.
 */
export function applyKeyPatch(record: KeyRecord, patch: KeyPatch, version: number): KeyRecord {
  const next: KeyRecord = { ...record, version };
  for (const [field, value] of Object.entries(patch) as Array<[keyof KeyPatch, unknown]>) {
    if (value !== undefined) (next as unknown as Record<string, unknown>)[field] = structuredClone(value);
    else if ((OPTIONAL_KEY_FIELDS as readonly string[]).includes(field)) delete next[field as (typeof OPTIONAL_KEY_FIELDS)[number]];
  }
  return next;
}

/** The team with the patch applied and the new version; `undefined` fields are left as they were (a team has no optional field). */
export function applyTeamPatch(record: TeamRecord, patch: TeamPatch, version: number): TeamRecord {
  const next: TeamRecord = { ...record, version };
  for (const [field, value] of Object.entries(patch)) {
    if (value !== undefined) (next as unknown as Record<string, unknown>)[field] = structuredClone(value);
  }
  return next;
}

/**
 * Is the key still usable? Revoked from `revokedAt` on and expired from `expiresAt` on. With
 * no `now`, any revoked key counts as inactive (whatever its time) and expiry is not judged.
 */
export function isActiveKey(record: KeyRecord, now?: number): boolean {
  if (now === undefined) return record.revokedAt === undefined;
  return !(record.revokedAt !== undefined && record.revokedAt <= now) && !(record.expiresAt !== undefined && record.expiresAt <= now);
}

/** Refuses an audit `limit` that is not a whole number of entries. */
export function assertLimit(limit: number | undefined): void {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new JunctionError('invalid_request', `limit must be a non-negative integer, not ${limit}`, { param: 'limit' });
  }
}

/** Oldest first: by `createdAt`, then by id so that ties list the same way in every store. */
export function byAge(a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
