/**
 * The admin API's JSON. Field names are camelCase, as in the config file's `auth` section and
 * Junction's other own endpoints, so a key reads the same in junction.yaml and over the API.
 * Instants are ISO 8601 text (absent ones `null`); durations stay numbers with their unit in
 * the name (`graceSeconds`, `resetMs`). The key itself appears only in what create and rotate
 * return.
 */
import type { AuditEntry, TeamRecord } from '../../access/types';
import type { AdminKey, CreatedKey, RotatedKey, UsageReport } from '../../operations/admin';
import { invalidField } from '../../operations/admin/validate';

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export function encodeKey(key: AdminKey) {
  return {
    object: 'key',
    id: key.id,
    prefix: key.prefix,
    name: key.name,
    team: key.team ?? null,
    tier: key.tier,
    status: key.status,
    routes: key.routes,
    scopes: key.scopes,
    expiresAt: iso(key.expiresAt),
    metadata: key.metadata,
    limits: key.limits,
    budgets: key.budgets,
    createdAt: iso(key.createdAt),
    revokedAt: iso(key.revokedAt),
    source: key.source,
    version: key.version,
  };
}

/** A new key: the key itself, shown this once, beside its record. */
export function encodeCreatedKey(created: CreatedKey) {
  return { key: created.key, record: encodeKey(created.record) };
}

export function encodeRotatedKey(rotated: RotatedKey) {
  return { ...encodeCreatedKey(rotated), previous: encodeKey(rotated.previous) };
}

export function encodeTeam(team: TeamRecord) {
  return {
    object: 'team',
    id: team.id,
    name: team.name,
    metadata: team.metadata,
    limits: team.limits,
    budgets: team.budgets,
    createdAt: iso(team.createdAt),
    source: team.source,
    version: team.version,
  };
}

export function encodeAuditEntry(entry: AuditEntry) {
  return { at: iso(entry.at), actor: entry.actor, action: entry.action, target: entry.target, details: entry.details ?? {} };
}

export function encodeUsage(target: { key?: string; team?: string }, report: UsageReport) {
  return {
    object: 'usage',
    ...target,
    limits: report.limits,
    budgets: report.budgets.map(({ windowEnd, ...budget }) => ({ ...budget, windowEnd: iso(windowEnd) })),
  };
}

export function list<Item>(data: Item[]) {
  return { object: 'list', data };
}

/** An ISO 8601 date or instant as Unix ms; `field` names it when it is neither. */
export function parseInstant(text: string, field: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw invalidField(field, `expected an ISO 8601 date or instant such as 2027-01-31 or 2027-01-31T12:00:00Z, got ${JSON.stringify(text.slice(0, 60))}`);
  return ms;
}

/**
 * A key body with its `expiresAt` (ISO text on the wire, `null` to remove in a patch) as Unix
 * ms, as the operations take it; everything else is theirs to check.
 */
export function decodeKeyBody(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('expiresAt' in body)) return body;
  const { expiresAt } = body as { expiresAt: unknown };
  if (expiresAt === null || expiresAt === undefined) return body;
  if (typeof expiresAt !== 'string') throw invalidField('expiresAt', `expected an ISO 8601 date or instant such as 2027-01-31T12:00:00Z, got ${typeof expiresAt === 'number' ? expiresAt : `a ${typeof expiresAt}`}`);
  return { ...body, expiresAt: parseInstant(expiresAt, 'expiresAt') };
}
