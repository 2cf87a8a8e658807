/**
 * What the admin surface (HTTP API, CLI through it, MCP) asks of access control: keys, teams,
 * the audit log, spend and current usage. Keys are shown without their hash; the key itself
 * appears once, in what creating or rotating one returns.
 */
import type { AuditEntry, Budget, KeyRecord, KeySettings, KeyTier, RateLimits, Scope, TeamRecord } from '../../access/types';

import type { SpendQuery, SpendRow } from '../../ledger/reports';

export { SPEND_DIMENSIONS, type SpendDimension, type SpendQuery, type SpendRow } from '../../ledger/reports';

/** Answers spend queries from the ledger. */
export type SpendSource = (query: SpendQuery) => Promise<SpendRow[]>;

/** A key's or a team's standing against its limits and budgets right now. */
export interface UsageReport {
  limits: Array<{
    /** The limit's name, e.g. `rpm`. */
    name: string;
    limit: number;
    used: number;
    reserved: number;
    /** Milliseconds until the window resets, when it does. */
    resetMs?: number;
  }>;
  budgets: Array<{
    period: string;
    usd: number;
    spentUsd: number;
    reservedUsd: number;
    /** When the current period ends (Unix ms); absent for lifetime budgets. */
    windowEnd?: number;
  }>;
}

/** Reads current usage from the limit store. */
export type UsageSource = (target: { key?: string; team?: string }) => Promise<UsageReport>;

/** Whether a key can be used now. */
export type KeyStatus = 'active' | 'revoked' | 'expired';

/** A key as the admin surface shows it: never its hash, and never the key itself. */
export type AdminKey = Omit<KeyRecord, 'hash'> & { status: KeyStatus };

/** What creating a key (or rotating one) returns: the key, shown this once, and its record. */
export interface CreatedKey {
  /** The key itself (`jk-…`). It is not stored and cannot be shown again. */
  key: string;
  record: AdminKey;
}

/** What rotating a key returns: the new key and the old one's record with its shortened expiry. */
export interface RotatedKey extends CreatedKey {
  previous: AdminKey;
}

/** A new key's settings; everything but the name has a default. `expiresAt` must be in the future. */
export interface KeyInput extends KeySettings {
  name: string;
}

/**
 * A change to a key, as a JSON merge patch (RFC 7396): fields left out stay as they are;
 * `null` removes an optional field (`team`, `expiresAt`), a metadata entry or a limit;
 * `metadata` and `limits` merge into the current ones; lists replace the current ones.
 */
export interface KeyUpdate {
  name?: string;
  team?: string | null;
  tier?: KeyTier;
  routes?: string[];
  scopes?: Scope[];
  expiresAt?: number | null;
  metadata?: Record<string, string | null>;
  limits?: { [Limit in keyof RateLimits]?: number | null };
  budgets?: Budget[];
}

export interface KeyQuery {
  team?: string;
  /** Revoked and expired keys too. */
  includeInactive?: boolean;
}

/** A new team. Its id is generated (`team_…`) when not given; its name defaults to its id. */
export interface TeamInput {
  id?: string;
  name?: string;
  metadata?: Record<string, string>;
  limits?: Omit<RateLimits, 'maxConcurrent'>;
  budgets?: Budget[];
}

/** A change to a team, merged as {@link KeyUpdate} is. */
export interface TeamUpdate {
  name?: string;
  metadata?: Record<string, string | null>;
  limits?: { [Limit in keyof Omit<RateLimits, 'maxConcurrent'>]?: number | null };
  budgets?: Budget[];
}

export interface AuditLogQuery {
  /** Entries at or after this instant (Unix ms). */
  since?: number;
  /** Entries about this id only. */
  target?: string;
  /** At most this many, newest first (default 100, at most 1000). */
  limit?: number;
}

/** What key or team a usage report is about: exactly one of them. */
export interface UsageTarget {
  key?: string;
  team?: string;
}

/**
 * The admin operations. `actor` names who acts (`admin`, `key:<id>`, `cli`) and goes into the
 * audit entry each change writes. Invalid input fails with `invalid_request` naming the field;
 * unknown ids with `key_not_found` or `team_not_found`.
 */
export interface AdminOperations {
  createKey(actor: string, input: KeyInput): Promise<CreatedKey>;
  listKeys(query?: KeyQuery): Promise<AdminKey[]>;
  getKey(id: string): Promise<AdminKey>;
  /** Refused for keys declared in the config. */
  updateKey(actor: string, id: string, update: KeyUpdate): Promise<AdminKey>;
  /** Revoking a revoked key changes nothing and returns it as it is. */
  revokeKey(actor: string, id: string): Promise<AdminKey>;
  /**
   * A new key with the same settings; the old one keeps working for `graceSeconds` more (never
   * past its own expiry), so its users can switch without an outage.
   */
  rotateKey(actor: string, id: string, options: { graceSeconds: number }): Promise<RotatedKey>;
  createTeam(actor: string, input: TeamInput): Promise<TeamRecord>;
  /** Refused for teams declared in the config. */
  updateTeam(actor: string, id: string, update: TeamUpdate): Promise<TeamRecord>;
  listTeams(): Promise<TeamRecord[]>;
  getTeam(id: string): Promise<TeamRecord>;
  auditLog(query?: AuditLogQuery): Promise<AuditEntry[]>;
  /** Fails with `endpoint_not_found` when the gateway keeps no ledger. */
  spend(query: SpendQuery): Promise<SpendRow[]>;
  /** Fails with `endpoint_not_found` when the gateway has no limit store to ask. */
  usage(target: UsageTarget): Promise<UsageReport>;
}
