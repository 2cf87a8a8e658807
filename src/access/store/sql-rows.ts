/**
 * Keys, teams and audit entries as rows, for the SQL stores (SQLite and PostgreSQL share the
 * columns). Nested fields (routes, scopes, metadata, limits, budgets, details) are JSON; NULL
 * columns become absent fields, not `undefined` ones, so records round-trip exactly.
 *
 * Rows come back in each driver's own types: SQLite returns JSON as text and integers as
 * numbers, PostgreSQL parses jsonb itself and returns bigint as text. The readers accept both.
 */
import type { AuditEntry, KeyRecord, TeamRecord } from '../types';

export type SqlValue = string | number | null;

/** The columns of `keys`, in the order {@link keyValues} gives their values. */
export const KEY_COLUMNS = [
  'id', 'prefix', 'hash', 'name', 'team', 'tier', 'routes', 'scopes', 'expires_at',
  'metadata', 'limits', 'budgets', 'created_at', 'revoked_at', 'source', 'version',
] as const;

/** The columns of `teams`, in the order {@link teamValues} gives their values. */
export const TEAM_COLUMNS = ['id', 'name', 'metadata', 'limits', 'budgets', 'created_at', 'source', 'version'] as const;

/** The columns of `audit` a write fills, in the order {@link auditValues} gives their values. */
export const AUDIT_COLUMNS = ['at', 'actor', 'action', 'target', 'details'] as const;

export type KeyRow = Record<(typeof KEY_COLUMNS)[number], unknown>;
export type TeamRow = Record<(typeof TEAM_COLUMNS)[number], unknown>;
export type AuditRow = Record<(typeof AUDIT_COLUMNS)[number], unknown>;

const json = (value: unknown): string => JSON.stringify(value);
const parsed = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;
const integer = (value: unknown): number => (typeof value === 'number' ? value : Number(value));

export function keyValues(record: KeyRecord, version: number): SqlValue[] {
  return [
    record.id,
    record.prefix,
    record.hash,
    record.name,
    record.team ?? null,
    record.tier,
    json(record.routes),
    json(record.scopes),
    record.expiresAt ?? null,
    json(record.metadata),
    json(record.limits),
    json(record.budgets),
    record.createdAt,
    record.revokedAt ?? null,
    record.source,
    version,
  ];
}

export function keyFromRow(row: KeyRow): KeyRecord {
  const record: KeyRecord = {
    id: row.id as string,
    prefix: row.prefix as string,
    hash: row.hash as string,
    name: row.name as string,
    tier: row.tier as KeyRecord['tier'],
    routes: parsed(row.routes),
    scopes: parsed(row.scopes),
    metadata: parsed(row.metadata),
    limits: parsed(row.limits),
    budgets: parsed(row.budgets),
    createdAt: integer(row.created_at),
    source: row.source as KeyRecord['source'],
    version: integer(row.version),
  };
  if (row.team !== null) record.team = row.team as string;
  if (row.expires_at !== null) record.expiresAt = integer(row.expires_at);
  if (row.revoked_at !== null) record.revokedAt = integer(row.revoked_at);
  return record;
}

export function teamValues(record: TeamRecord, version: number): SqlValue[] {
  return [record.id, record.name, json(record.metadata), json(record.limits), json(record.budgets), record.createdAt, record.source, version];
}

export function teamFromRow(row: TeamRow): TeamRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    metadata: parsed(row.metadata),
    limits: parsed(row.limits),
    budgets: parsed(row.budgets),
    createdAt: integer(row.created_at),
    source: row.source as TeamRecord['source'],
    version: integer(row.version),
  };
}

export function auditValues(entry: AuditEntry): SqlValue[] {
  return [entry.at, entry.actor, entry.action, entry.target, entry.details === undefined ? null : json(entry.details)];
}

export function auditFromRow(row: AuditRow): AuditEntry {
  const entry: AuditEntry = { at: integer(row.at), actor: row.actor as string, action: row.action as string, target: row.target as string };
  if (row.details !== null) entry.details = parsed(row.details);
  return entry;
}

/**
 * The WHERE clause and parameters of a key list, with `placeholder(n)` writing the n-th
 * parameter (`?` for SQLite, `$n` for PostgreSQL). Mirrors `isActiveKey` in records.ts.
 */
export function keyListFilter(query: { team?: string; includeInactive?: boolean; now?: number }, placeholder: (n: number) => string): { where: string; params: SqlValue[] } {
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  const param = (value: SqlValue): string => {
    params.push(value);
    return placeholder(params.length);
  };
  if (query.team !== undefined) conditions.push(`team = ${param(query.team)}`);
  if (query.includeInactive !== true) {
    if (query.now === undefined) conditions.push('revoked_at IS NULL');
    else {
      // Two parameters, not one used twice: SQLite's `?` takes one value per occurrence.
      conditions.push(`(revoked_at IS NULL OR revoked_at > ${param(query.now)})`, `(expires_at IS NULL OR expires_at > ${param(query.now)})`);
    }
  }
  return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}

/** The WHERE clause and parameters of an audit query (newest first and the limit are the caller's). */
export function auditFilter(query: { since?: number; target?: string }, placeholder: (n: number) => string): { where: string; params: SqlValue[] } {
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  if (query.since !== undefined) {
    params.push(query.since);
    conditions.push(`at >= ${placeholder(params.length)}`);
  }
  if (query.target !== undefined) {
    params.push(query.target);
    conditions.push(`target = ${placeholder(params.length)}`);
  }
  return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}
