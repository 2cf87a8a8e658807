/**
 * The AccessStore port: where keys, teams and the audit log are kept. One process keeps them in
 * SQLite (or memory); replicas share PostgreSQL. Nothing here is on the request path: the key
 * ring (key-ring.ts) holds the request path's in-memory view and asks the store only for what
 * changed since its last look, and for a key it has never seen.
 */
import type { AuditEntry, KeyRecord, TeamRecord } from '../types';

/** The fields of a key that may change after it is created. */
export type KeyPatch = Partial<Pick<KeyRecord, 'name' | 'team' | 'tier' | 'routes' | 'scopes' | 'expiresAt' | 'metadata' | 'limits' | 'budgets' | 'revokedAt'>>;

/** The fields of a team that may change after it is created. */
export type TeamPatch = Partial<Pick<TeamRecord, 'name' | 'metadata' | 'limits' | 'budgets'>>;

export interface KeyListQuery {
  team?: string;
  /** Revoked and expired keys are listed only when asked for. */
  includeInactive?: boolean;
  /** Used to judge expiry when `includeInactive` is false. */
  now?: number;
}

export interface AuditQuery {
  since?: number;
  target?: string;
  limit?: number;
}

/** Everything that changed after a version, and the version to ask from next time. */
export interface AccessChanges {
  keys: KeyRecord[];
  teams: TeamRecord[];
  version: number;
}

export interface AccessStore {
  /**
   * Adds a key; its `version` is set by the store (the record passed in may carry 0). Fails
   * with `conflict` if its id or hash exists.
   */
  createKey(record: KeyRecord): Promise<KeyRecord>;
  /** Changes a key and bumps its version; fails with `key_not_found`. */
  updateKey(id: string, patch: KeyPatch): Promise<KeyRecord>;
  getKey(id: string): Promise<KeyRecord | undefined>;
  findKeyByHash(hash: string): Promise<KeyRecord | undefined>;
  /** Oldest first. */
  listKeys(query?: KeyListQuery): Promise<KeyRecord[]>;
  createTeam(record: TeamRecord): Promise<TeamRecord>;
  updateTeam(id: string, patch: TeamPatch): Promise<TeamRecord>;
  getTeam(id: string): Promise<TeamRecord | undefined>;
  listTeams(): Promise<TeamRecord[]>;
  /**
   * Keys and teams created or changed after `version` (0: everything), with the store's
   * current version. Versions only grow, across every replica sharing the store.
   */
  changesSince(version: number): Promise<AccessChanges>;
  /** Appends to the audit log. */
  audit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  auditLog(query?: AuditQuery): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
