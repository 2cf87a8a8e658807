/**
 * The AccessStore port: where keys, teams and the audit log are kept. One process keeps them in
 * SQLite (or memory); replicas share PostgreSQL. Nothing here is on the request path: the key
 * ring (key-ring.ts) holds the request path's in-memory view and asks the store only for what
 * changed since its last look, and for a key it has never seen.
 */
import type { AuditEntry, KeyRecord, TeamRecord } from '../types';

/**
 * The fields of a key that may change after it is created. A field given as `undefined`
 * removes an optional field (`team`, `expiresAt`, `revokedAt`) and leaves a required one as it
 * was; a field not named is left as it was.
 */
export type KeyPatch = Partial<Pick<KeyRecord, 'name' | 'team' | 'tier' | 'routes' | 'scopes' | 'expiresAt' | 'metadata' | 'limits' | 'budgets' | 'revokedAt'>>;

/** The fields of a team that may change after it is created; `undefined` fields are left as they were. */
export type TeamPatch = Partial<Pick<TeamRecord, 'name' | 'metadata' | 'limits' | 'budgets'>>;

export interface KeyListQuery {
  team?: string;
  /**
   * Revoked and expired keys are listed only when asked for. A key is revoked from its
   * `revokedAt` on and expired from its `expiresAt` on.
   */
  includeInactive?: boolean;
  /**
   * Used to judge revocation and expiry when `includeInactive` is false. Without it, every key
   * with a `revokedAt` counts as inactive and expiry is not judged.
   */
  now?: number;
}

export interface AuditQuery {
  /** Entries at or after this instant. */
  since?: number;
  /** Entries about this id only. */
  target?: string;
  /** At most this many (the newest); a non-negative integer, else `invalid_request`. */
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
   * with `conflict` if its id or hash exists, and with `invalid_request` if its hash is not a
   * lowercase SHA-256 digest or its prefix is longer than a prefix (so no key is ever stored).
   * Does not check that its team exists: teams may be declared in the config, not the store.
   */
  createKey(record: KeyRecord): Promise<KeyRecord>;
  /** Changes a key and bumps its version; fails with `key_not_found`. */
  updateKey(id: string, patch: KeyPatch): Promise<KeyRecord>;
  getKey(id: string): Promise<KeyRecord | undefined>;
  findKeyByHash(hash: string): Promise<KeyRecord | undefined>;
  /** Oldest first (by `createdAt`, then id). */
  listKeys(query?: KeyListQuery): Promise<KeyRecord[]>;
  /** Adds a team; its `version` is set by the store. Fails with `conflict` if its id exists. */
  createTeam(record: TeamRecord): Promise<TeamRecord>;
  /** Changes a team and bumps its version; fails with `team_not_found`. */
  updateTeam(id: string, patch: TeamPatch): Promise<TeamRecord>;
  getTeam(id: string): Promise<TeamRecord | undefined>;
  /** Oldest first (by `createdAt`, then id). */
  listTeams(): Promise<TeamRecord[]>;
  /**
   * Keys and teams created or changed after `version` (0: everything; each at its latest),
   * with the version to ask from next time. Versions only grow, across every replica sharing
   * the store, and no change becomes visible with a version at or below one already returned,
   * so asking from the returned version misses nothing.
   */
  changesSince(version: number): Promise<AccessChanges>;
  /** Appends to the audit log. */
  audit(entry: AuditEntry): Promise<void>;
  /** Newest first; entries at one instant, the last appended first. */
  auditLog(query?: AuditQuery): Promise<AuditEntry[]>;
  /** After it, every call fails with `shutting_down`; closing twice is fine. */
  close(): Promise<void>;
}
