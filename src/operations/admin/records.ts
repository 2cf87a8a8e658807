/**
 * Records as the admin surface shows them and as the audit log describes them: no key and no
 * hash ever (a key's prefix is enough to recognise it), instants as ISO 8601 text.
 */
import type { KeyRecord, TeamRecord } from '../../access/types';
import type { AdminKey, KeyStatus } from './types';

/** Revoked from `revokedAt` on, expired from `expiresAt` on (the access store's rule). */
export function keyStatus(record: Pick<KeyRecord, 'revokedAt' | 'expiresAt'>, now: number): KeyStatus {
  if (record.revokedAt !== undefined && record.revokedAt <= now) return 'revoked';
  if (record.expiresAt !== undefined && record.expiresAt <= now) return 'expired';
  return 'active';
}

export function toAdminKey(record: KeyRecord, now: number): AdminKey {
  const { hash: _hash, ...shown } = record;
  return { ...shown, status: keyStatus(record, now) };
}

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

/** A key's settings for an audit entry: what it may do, recognisable by its prefix. */
export function keySettings(record: KeyRecord): Record<string, unknown> {
  return {
    prefix: record.prefix,
    name: record.name,
    ...(record.team === undefined ? {} : { team: record.team }),
    tier: record.tier,
    routes: record.routes,
    scopes: record.scopes,
    ...(record.expiresAt === undefined ? {} : { expiresAt: isoInstant(record.expiresAt) }),
    metadata: record.metadata,
    limits: record.limits,
    budgets: record.budgets,
  };
}

export function teamSettings(record: TeamRecord): Record<string, unknown> {
  return { name: record.name, metadata: record.metadata, limits: record.limits, budgets: record.budgets };
}

/** How a value reads in an audit entry: instants as ISO text, absent as null. */
type Present = (field: string, value: unknown) => unknown;

const INSTANT_FIELDS = new Set(['expiresAt', 'revokedAt']);

const present: Present = (field, value) => (value === undefined ? null : INSTANT_FIELDS.has(field) && typeof value === 'number' ? isoInstant(value) : value);

/** `{ field: { from, to } }` for each of `fields` whose value differs between the two records. */
export function changesBetween<Record_ extends object>(before: Record_, after: Record_, fields: ReadonlyArray<keyof Record_ & string>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of fields) {
    if (JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
    changes[field] = { from: present(field, before[field]), to: present(field, after[field]) };
  }
  return changes;
}

/**
 * `current` with `patch` merged in (RFC 7396 for one level): a value replaces, `null` removes,
 * an entry not named stays.
 */
export function mergeEntries<Value>(current: { [name: string]: Value | undefined }, patch: { [name: string]: Value | null | undefined }): { [name: string]: Value } {
  const merged: { [name: string]: Value } = {};
  for (const [name, value] of Object.entries(current)) if (value !== undefined) merged[name] = value;
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete merged[name];
    else if (value !== undefined) merged[name] = value;
  }
  return merged;
}
