/**
 * The AccessStore in PostgreSQL, shared by every replica. Each replica's key ring asks it, a few
 * times a second, for what changed since the version it last saw; so versions must only grow
 * across replicas, and no change may become visible below a version a reader has already seen.
 *
 * A sequence alone would not do that: `nextval` hands out numbers in the order writers ask, not
 * the order they commit, so a reader could see version 6 committed, move its cursor past 5, and
 * never see 5 when it commits a moment later. Versions come instead from a one-row counter that
 * each write bumps first, inside its transaction: the row lock holds the next writer until this
 * one commits, so versions become visible in order. Writes are admin actions, rare enough for
 * one at a time. `changesSince` reads the rows and the counter in one statement (one snapshot).
 *
 * Every call is bounded: connecting by `connectTimeoutMs`, each statement by
 * `statementTimeoutMs` (server side, and a little later client side, for a stalled network).
 * When the server cannot be reached or does not answer in time, calls fail with
 * `access_store_unavailable`; the schema is created on first use and retried on the next call
 * if that failed.
 */
import pg, { type Pool, type PoolClient } from 'pg';
import { JunctionError } from '../../../errors';
import { applyKeyPatch, applyTeamPatch, assertLimit, assertStorableKey } from '../records';
import {
  AUDIT_COLUMNS, KEY_COLUMNS, TEAM_COLUMNS, auditFilter, auditFromRow, auditValues, keyFromRow, keyListFilter, keyValues, teamFromRow, teamValues,
  type AuditRow, type KeyRow, type TeamRow,
} from '../sql-rows';
import type { AccessChanges, AccessStore } from '../types';
import { migrate, quotedSchema } from './schema';

export interface PostgresAccessStoreOptions {
  /** A connection string (`postgres://user@host:5432/db`); or give `pool`. */
  url?: string;
  /** A pool the caller owns and closes (e.g. shared with the ledger); `close` leaves it open. */
  pool?: Pool;
  /** Where the tables live (created if absent); a plain identifier. Default `junction`. */
  schema?: string;
  /** Default 2 s. */
  connectTimeoutMs?: number;
  /** Default 5 s. */
  statementTimeoutMs?: number;
  /** Connections in the store's own pool. Default 4. */
  maxConnections?: number;
}

export interface PostgresAccessStore extends AccessStore {
  /** Resolves once the schema is in place (every call waits for it too); fails with `access_store_unavailable` if the server cannot be reached. */
  ready(): Promise<void>;
}

/** SQLSTATE classes and codes that mean the server is unreachable, overloaded or too slow, not that the request was wrong. */
const UNAVAILABLE_STATES = /^(08|53|57P0|57014|55P03|40001|40P01)/;

/** pg's and the network's errors as the store's own. */
function translated(error: unknown): unknown {
  if (error instanceof JunctionError || error instanceof TypeError || error instanceof RangeError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === '23505') return new JunctionError('conflict', 'a record with that id or key hash exists', { cause: error });
  // SQLSTATEs are five characters; anything else (ECONNREFUSED, "Connection terminated",
  // "timeout exceeded when trying to connect", "Query read timeout") is about the connection.
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
  if (!sqlState || UNAVAILABLE_STATES.test(code)) {
    return new JunctionError('access_store_unavailable', `the access store cannot be reached: ${message}`, { cause: error });
  }
  return error;
}

const columnList = (columns: readonly string[]) => columns.join(', ');
const numbered = (columns: readonly string[], from = 1) => columns.map((_, index) => `$${index + from}`).join(', ');
const dollar = (n: number) => `$${n}`;

export function createPostgresAccessStore(options: PostgresAccessStoreOptions): PostgresAccessStore {
  const schemaName = options.schema ?? 'junction';
  const s = quotedSchema(schemaName);
  const statementTimeoutMs = options.statementTimeoutMs ?? 5_000;
  const ownPool = options.pool === undefined;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 2_000,
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + 1_000,
      idle_in_transaction_session_timeout: statementTimeoutMs * 2,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
    });
  // An idle connection the server drops emits on the pool; without a listener that would end
  // the process. The next call finds out for itself (and gets a fresh connection).
  if (ownPool) pool.on('error', () => undefined);

  let closed = false;
  let migrated: Promise<void> | undefined;

  function ready(): Promise<void> {
    if (closed) return Promise.reject(new JunctionError('shutting_down', 'the access store is closed'));
    migrated ??= (async () => {
      const client = await pool.connect();
      try {
        await migrate(client, schemaName);
        client.release();
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
    })().catch((error: unknown) => {
      migrated = undefined; // try again on the next call
      throw translated(error);
    });
    return migrated;
  }

  async function call<T>(work: () => Promise<T>): Promise<T> {
    await ready();
    try {
      return await work();
    } catch (error) {
      throw closed ? new JunctionError('shutting_down', 'the access store is closed', { cause: error }) : translated(error);
    }
  }

  async function rows<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await pool.query(sql, params)).rows as R[];
  }

  /** Runs a write in a transaction whose first step takes the next version (and with it, the writers' turn). */
  function write<T>(work: (client: PoolClient, version: number) => Promise<T>): Promise<T> {
    return call(async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows: counter } = await client.query<{ value: string }>(`UPDATE ${s}.access_version SET value = value + 1 RETURNING value`);
        const result = await work(client, Number(counter[0].value));
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (error) {
        // A connection that failed mid-transaction is dropped rather than handed to the next call.
        const rolledBack = await client.query('ROLLBACK').then(() => true, () => false);
        client.release(rolledBack ? undefined : (error as Error));
        throw error;
      }
    });
  }

  const KEYS = columnList(KEY_COLUMNS);
  const TEAMS = columnList(TEAM_COLUMNS);
  const AUDIT = columnList(AUDIT_COLUMNS);
  const keyById = (client: Pool | PoolClient, id: string, lock = '') => client.query<KeyRow>(`SELECT ${KEYS} FROM ${s}.keys WHERE id = $1 ${lock}`, [id]);
  const teamById = (client: Pool | PoolClient, id: string, lock = '') => client.query<TeamRow>(`SELECT ${TEAMS} FROM ${s}.teams WHERE id = $1 ${lock}`, [id]);

  return {
    ready,

    createKey: async (record) => {
      assertStorableKey(record);
      return write(async (client, version) => {
        const { rows: created } = await client.query<KeyRow>(`INSERT INTO ${s}.keys (${KEYS}) VALUES (${numbered(KEY_COLUMNS)}) RETURNING ${KEYS}`, keyValues(record, version));
        return keyFromRow(created[0]);
      });
    },

    updateKey: (id, patch) =>
      write(async (client, version) => {
        const { rows: found } = await keyById(client, id, 'FOR UPDATE');
        if (found.length === 0) throw new JunctionError('key_not_found', `no key has id ${id}`);
        const next = applyKeyPatch(keyFromRow(found[0]), patch, version);
        await client.query(`UPDATE ${s}.keys SET (${KEYS}) = (${numbered(KEY_COLUMNS)}) WHERE id = $${KEY_COLUMNS.length + 1}`, [...keyValues(next, version), id]);
        return next;
      }),

    getKey: (id) => call(async () => (await keyById(pool, id)).rows.map(keyFromRow)[0]),

    findKeyByHash: (hash) => call(async () => (await rows<KeyRow>(`SELECT ${KEYS} FROM ${s}.keys WHERE hash = $1`, [hash])).map(keyFromRow)[0]),

    listKeys: (query = {}) =>
      call(async () => {
        const { where, params } = keyListFilter(query, dollar);
        return (await rows<KeyRow>(`SELECT ${KEYS} FROM ${s}.keys ${where} ORDER BY created_at, id COLLATE "C"`, params)).map(keyFromRow);
      }),

    createTeam: (record) =>
      write(async (client, version) => {
        const { rows: created } = await client.query<TeamRow>(`INSERT INTO ${s}.teams (${TEAMS}) VALUES (${numbered(TEAM_COLUMNS)}) RETURNING ${TEAMS}`, teamValues(record, version));
        return teamFromRow(created[0]);
      }),

    updateTeam: (id, patch) =>
      write(async (client, version) => {
        const { rows: found } = await teamById(client, id, 'FOR UPDATE');
        if (found.length === 0) throw new JunctionError('team_not_found', `no team has id ${id}`);
        const next = applyTeamPatch(teamFromRow(found[0]), patch, version);
        await client.query(`UPDATE ${s}.teams SET (${TEAMS}) = (${numbered(TEAM_COLUMNS)}) WHERE id = $${TEAM_COLUMNS.length + 1}`, [...teamValues(next, version), id]);
        return next;
      }),

    getTeam: (id) => call(async () => (await teamById(pool, id)).rows.map(teamFromRow)[0]),

    listTeams: () => call(async () => (await rows<TeamRow>(`SELECT ${TEAMS} FROM ${s}.teams ORDER BY created_at, id COLLATE "C"`)).map(teamFromRow)),

    changesSince: (since) =>
      call(async (): Promise<AccessChanges> => {
        // One statement, so the rows and the counter come from one snapshot; json_agg keeps
        // it to one round trip for what is, most of the time, nothing.
        const [row] = await rows<{ version: string; keys: KeyRow[]; teams: TeamRow[] }>(
          `SELECT (SELECT value FROM ${s}.access_version) AS version,
                  (SELECT coalesce(json_agg(k ORDER BY k.version), '[]') FROM (SELECT ${KEYS} FROM ${s}.keys WHERE version > $1) k) AS keys,
                  (SELECT coalesce(json_agg(t ORDER BY t.version), '[]') FROM (SELECT ${TEAMS} FROM ${s}.teams WHERE version > $1) t) AS teams`,
          [since],
        );
        return { keys: row.keys.map(keyFromRow), teams: row.teams.map(teamFromRow), version: Math.max(since, Number(row.version)) };
      }),

    audit: (entry) =>
      call(async () => {
        await pool.query(`INSERT INTO ${s}.audit (${AUDIT}) VALUES (${numbered(AUDIT_COLUMNS)})`, auditValues(entry));
      }),

    auditLog: (query = {}) =>
      call(async () => {
        assertLimit(query.limit);
        const { where, params } = auditFilter(query, dollar);
        const limit = query.limit === undefined ? '' : `LIMIT ${query.limit}`;
        return (await rows<AuditRow>(`SELECT ${AUDIT} FROM ${s}.audit ${where} ORDER BY at DESC, id DESC ${limit}`, params)).map(auditFromRow);
      }),

    async close() {
      if (closed) return;
      closed = true;
      if (ownPool) await pool.end();
    },
  };
}
