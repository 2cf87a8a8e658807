/**
 * The AccessStore in SQLite (better-sqlite3), for a single process or several on one machine.
 * Calls are synchronous underneath: nothing here is on the request path (the key ring is), and
 * each call is one small indexed statement or transaction.
 *
 * Versions come from a one-row counter bumped inside each write's transaction, and writes take
 * the database's write lock first (`BEGIN IMMEDIATE`), so versions are handed out in the order
 * writes commit: two stores on one file (two processes) share one version line, and a reader
 * that has seen version v has seen every change at or below it.
 *
 * The file is the access store's own: its schema version lives in `PRAGMA user_version`, which
 * the ledger uses for its own file too, so the two cannot share one.
 */
import Database from 'better-sqlite3';
import { JunctionError } from '../../errors';
import { applyKeyPatch, applyTeamPatch, assertLimit, assertStorableKey } from './records';
import {
  AUDIT_COLUMNS, KEY_COLUMNS, TEAM_COLUMNS, auditFilter, auditFromRow, auditValues, keyFromRow, keyListFilter, keyValues, teamFromRow, teamValues,
  type AuditRow, type KeyRow, type TeamRow,
} from './sql-rows';
import type { AccessChanges, AccessStore } from './types';

/** Bumped with every schema change; kept in `PRAGMA user_version`. */
export const ACCESS_SCHEMA_VERSION = 1;

export interface SqliteAccessStoreOptions {
  /** A file path, or `:memory:` for a store that lives as long as the process. */
  path: string;
  /** How long a write waits for another process's write lock before failing (default 5 s). */
  busyTimeoutMs?: number;
}

const SCHEMA = `
CREATE TABLE keys (
  id         TEXT PRIMARY KEY,
  prefix     TEXT NOT NULL,
  hash       TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  team       TEXT,
  tier       TEXT NOT NULL,
  routes     TEXT NOT NULL,
  scopes     TEXT NOT NULL,
  expires_at INTEGER,
  metadata   TEXT NOT NULL,
  limits     TEXT NOT NULL,
  budgets    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  source     TEXT NOT NULL,
  version    INTEGER NOT NULL
);
CREATE INDEX keys_version ON keys (version);
CREATE INDEX keys_team ON keys (team);
CREATE TABLE teams (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  metadata   TEXT NOT NULL,
  limits     TEXT NOT NULL,
  budgets    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  source     TEXT NOT NULL,
  version    INTEGER NOT NULL
);
CREATE INDEX teams_version ON teams (version);
CREATE TABLE audit (
  id      INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  target  TEXT NOT NULL,
  details TEXT
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_target_at ON audit (target, at);
CREATE TABLE access_version (value INTEGER NOT NULL);
INSERT INTO access_version (value) VALUES (0);
`;

/** Creates the schema on a new file; refuses a file written by a newer schema, or one that is not an access store. */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > ACCESS_SCHEMA_VERSION) {
      throw new Error(`access store schema version ${version} is newer than this Junction understands (${ACCESS_SCHEMA_VERSION})`);
    }
    if (version === ACCESS_SCHEMA_VERSION) return;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    if (tables.length > 0) {
      throw new Error(`this SQLite file holds other tables (${tables.join(', ')}): the access store needs a file of its own`);
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${ACCESS_SCHEMA_VERSION}`);
  }).immediate();
}

/** SQLite's errors as the store's own. */
function translated(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return new JunctionError('conflict', 'a record with that id or key hash exists', { cause: error });
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return new JunctionError('access_store_unavailable', 'the access store is busy (another writer holds the lock)', { cause: error });
  return error;
}

const columnList = (columns: readonly string[]) => columns.join(', ');
const placeholders = (columns: readonly string[]) => columns.map(() => '?').join(', ');
const question = () => '?';

export function createSqliteAccessStore(options: SqliteAccessStoreOptions): AccessStore {
  const db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5_000 });
  try {
    if (options.path !== ':memory:') db.pragma('journal_mode = WAL');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }

  const KEYS = columnList(KEY_COLUMNS);
  const TEAMS = columnList(TEAM_COLUMNS);
  const statements = {
    nextVersion: db.prepare('UPDATE access_version SET value = value + 1 RETURNING value').pluck(),
    currentVersion: db.prepare('SELECT value FROM access_version').pluck(),
    insertKey: db.prepare(`INSERT INTO keys (${KEYS}) VALUES (${placeholders(KEY_COLUMNS)})`),
    replaceKey: db.prepare(`UPDATE keys SET (${KEYS}) = (${placeholders(KEY_COLUMNS)}) WHERE id = ?`),
    keyById: db.prepare(`SELECT ${KEYS} FROM keys WHERE id = ?`),
    keyByHash: db.prepare(`SELECT ${KEYS} FROM keys WHERE hash = ?`),
    keysSince: db.prepare(`SELECT ${KEYS} FROM keys WHERE version > ? ORDER BY version`),
    insertTeam: db.prepare(`INSERT INTO teams (${TEAMS}) VALUES (${placeholders(TEAM_COLUMNS)})`),
    replaceTeam: db.prepare(`UPDATE teams SET (${TEAMS}) = (${placeholders(TEAM_COLUMNS)}) WHERE id = ?`),
    teamById: db.prepare(`SELECT ${TEAMS} FROM teams WHERE id = ?`),
    teams: db.prepare(`SELECT ${TEAMS} FROM teams ORDER BY created_at, id`),
    teamsSince: db.prepare(`SELECT ${TEAMS} FROM teams WHERE version > ? ORDER BY version`),
    insertAudit: db.prepare(`INSERT INTO audit (${columnList(AUDIT_COLUMNS)}) VALUES (${placeholders(AUDIT_COLUMNS)})`),
  };

  const keyRow = (id: string) => statements.keyById.get(id) as KeyRow | undefined;
  const teamRow = (id: string) => statements.teamById.get(id) as TeamRow | undefined;

  /** Runs `work` (a write) under the write lock; its version bump and changes commit together. */
  function write<T>(work: () => T): T {
    return db.transaction(work).immediate();
  }

  /** Runs one call against the open database, with SQLite's errors as the store's own. */
  async function call<T>(work: () => T): Promise<T> {
    if (!db.open) throw new JunctionError('shutting_down', 'the access store is closed');
    try {
      return work();
    } catch (error) {
      throw translated(error);
    }
  }

  return {
    createKey: (record) =>
      call(() => {
        assertStorableKey(record);
        return write(() => {
          const version = statements.nextVersion.get() as number;
          statements.insertKey.run(keyValues(record, version));
          return keyFromRow(keyRow(record.id)!);
        });
      }),

    updateKey: (id, patch) =>
      call(() =>
        write(() => {
          const row = keyRow(id);
          if (row === undefined) throw new JunctionError('key_not_found', `no key has id ${id}`);
          const next = applyKeyPatch(keyFromRow(row), patch, statements.nextVersion.get() as number);
          statements.replaceKey.run(...keyValues(next, next.version), id);
          return next;
        }),
      ),

    getKey: (id) =>
      call(() => {
        const row = keyRow(id);
        return row === undefined ? undefined : keyFromRow(row);
      }),

    findKeyByHash: (hash) =>
      call(() => {
        const row = statements.keyByHash.get(hash) as KeyRow | undefined;
        return row === undefined ? undefined : keyFromRow(row);
      }),

    listKeys: (query = {}) =>
      call(() => {
        const { where, params } = keyListFilter(query, question);
        return (db.prepare(`SELECT ${KEYS} FROM keys ${where} ORDER BY created_at, id`).all(params) as KeyRow[]).map(keyFromRow);
      }),

    createTeam: (record) =>
      call(() =>
        write(() => {
          statements.insertTeam.run(teamValues(record, statements.nextVersion.get() as number));
          return teamFromRow(teamRow(record.id)!);
        }),
      ),

    updateTeam: (id, patch) =>
      call(() =>
        write(() => {
          const row = teamRow(id);
          if (row === undefined) throw new JunctionError('team_not_found', `no team has id ${id}`);
          const next = applyTeamPatch(teamFromRow(row), patch, statements.nextVersion.get() as number);
          statements.replaceTeam.run(...teamValues(next, next.version), id);
          return next;
        }),
      ),

    getTeam: (id) =>
      call(() => {
        const row = teamRow(id);
        return row === undefined ? undefined : teamFromRow(row);
      }),

    listTeams: () => call(() => (statements.teams.all() as TeamRow[]).map(teamFromRow)),

    changesSince: (since) =>
      call(() =>
        // One read transaction: the rows and the counter from one snapshot of the file.
        db.transaction((): AccessChanges => ({
          keys: (statements.keysSince.all(since) as KeyRow[]).map(keyFromRow),
          teams: (statements.teamsSince.all(since) as TeamRow[]).map(teamFromRow),
          version: Math.max(since, statements.currentVersion.get() as number),
        }))(),
      ),

    audit: (entry) =>
      call(() => {
        statements.insertAudit.run(auditValues(entry));
      }),

    auditLog: (query = {}) =>
      call(() => {
        assertLimit(query.limit);
        const { where, params } = auditFilter(query, question);
        const limit = query.limit === undefined ? '' : `LIMIT ${query.limit}`;
        return (db.prepare(`SELECT ${columnList(AUDIT_COLUMNS)} FROM audit ${where} ORDER BY at DESC, id DESC ${limit}`).all(params) as AuditRow[]).map(auditFromRow);
      }),

    async close() {
      if (db.open) db.close();
    },
  };
}
