/**
 * The ledger in PostgreSQL, shared by every replica. `record` turns the entry into a row's
 * values and buffers it; batches are written off the request path, each one multi-row INSERT
 * that also adds the rows to the daily totals (write-batch.ts). Every row carries this
 * ledger's writer id and a sequence number, its key, so a batch sent twice lands once.
 *
 * When PostgreSQL does not take a batch (down, refusing, or silent past the timeouts), the
 * batch goes to a local spool file, fsync'd, and later batches go straight there too, until a
 * background retry (every `retryIntervalMs`) finds PostgreSQL answering: then the spool is
 * replayed, in order, and writes go to PostgreSQL again. A new ledger on the same spool path
 * replays what an earlier process left in it. `flush` resolves once everything recorded before
 * it is in PostgreSQL or in the spool; `query`, `count` and `spend` also replay the spool first,
 * and reject if PostgreSQL cannot be reached, rather than answer without the spooled entries.
 *
 * What a SIGKILL (or any sudden death of the process) can lose: the entries only in memory,
 * that is, those recorded since the last batch was handed over, about `flushIntervalMs` of
 * traffic (less once `batchSize` are waiting), plus the batch being written at that moment, if
 * its INSERT had not committed: PostgreSQL rolls an unfinished statement back, and the batch
 * was not yet in the spool. While PostgreSQL is silent, that first write waits out its
 * timeout (`statementTimeoutMs` plus a second) before spooling, so the entries recorded in that
 * wait are at risk too; once spooling, each batch is on disk within a flush interval. Nothing
 * acknowledged by `flush` is lost: rows in PostgreSQL are committed, and spooled rows are
 * fsync'd (a spool line torn by death mid-append is skipped and reported on replay).
 *
 * Each process needs a spool path of its own: two processes appending to one file would
 * interleave their lines and replay each other's batches.
 *
 * Retention: raw rows older than `retentionDays` are deleted (hourly, and by `prune()`); the
 * daily totals are kept. Pruning waits while the spool holds batches: a spooled row that had
 * already landed (its commit unacknowledged) and was then pruned would be inserted again by
 * the replay, and counted again in its day's totals.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { assertTimeZone } from '../calendar-day';
import { LedgerEntryRejectedError, ledgerClosedError, warnLedgerError } from '../errors';
import { assertValidQuery } from '../query';
import { assertValidSpendQuery, type SpendQuery, type SpendReport, type SpendRow } from '../reports';
import { spendSql, toSpendRow, type SpendResultRow } from '../spend-sql';
import { loadHistorySql, toLoadRow, type LoadHistoryQuery, type LoadHistoryRow, type LoadHistorySource } from '../load-history';
import type { Ledger, LedgerEntry, LedgerQuery } from '../types';
import { createWriteBuffer } from '../write-buffer';
import { fromRequestRow, toPgRow, type PgRow, type RequestRow } from './rows';
import { ledgerTables, migrate } from './schema';
import { openSpool } from './spool';
import { createBatchWriter, type RowBatch } from './write-batch';

const DAY_MS = 86_400_000;
/** Rows deleted per statement by retention, so no one statement holds locks for long. */
const PRUNE_CHUNK = 10_000;

export interface PostgresLedgerOptions {
  /** e.g. `postgres://junction@db:5432/junction`. */
  url: string;
  /** Schema holding the ledger's tables, created if missing. Default `public`. */
  schema?: string;
  /** Rows per INSERT, and the backlog that triggers one before the timer. Default 500. */
  batchSize?: number;
  /** How often buffered rows are written. Default 100. */
  flushIntervalMs?: number;
  /** The spool file for batches PostgreSQL could not take; its directory is created if needed. One per process. */
  spoolPath: string;
  /** Keep raw rows this many days (daily totals are kept regardless). Absent: keep them all. */
  retentionDays?: number;
  /** The IANA time zone of the daily totals' days. Default UTC. */
  timeZone?: string;
  /** Hears of failed writes (then spooled), refused entries, spool trouble and retention failures. Defaults to a process warning. */
  onError?: (error: unknown) => void;
  /** The clock retention measures age by, and that dates the writer id. Default Date.now. */
  now?: () => number;
  /** Giving up on opening a connection. Default 5,000. */
  connectTimeoutMs?: number;
  /** Giving up on one statement: PostgreSQL cancels it, and the client stops waiting a second later. Default 10,000. */
  statementTimeoutMs?: number;
  /** While PostgreSQL is failing, how often to try it again (and replay the spool). Default 1,000. */
  retryIntervalMs?: number;
  /** How often retention runs in the background (also once at start). 0: only when `prune()` is called, e.g. by a scheduled job. Default one hour. */
  retentionIntervalMs?: number;
  /** Connections in the pool. Default 4. */
  maxConnections?: number;
  /** Entries held in memory when neither PostgreSQL nor the spool takes them; beyond it the oldest are dropped and reported. Default 100,000. */
  maxBufferedEntries?: number;
}

/** The PostgreSQL ledger: the Ledger port, spend reports, and retention on demand. */
export interface PostgresLedger extends Ledger, SpendReport, LoadHistorySource {
  /** Deletes raw rows older than `retentionDays` (none if it is unset); resolves with how many. Replays the spool first. */
  prune(): Promise<number>;
}

export function createPostgresLedger(options: PostgresLedgerOptions): PostgresLedger {
  const onError = options.onError ?? warnLedgerError;
  const now = options.now ?? Date.now;
  const timeZone = options.timeZone ?? 'UTC';
  assertTimeZone(timeZone);
  const { retentionDays } = options;
  if (retentionDays !== undefined && !(retentionDays > 0)) throw new RangeError(`retentionDays must be positive, got ${retentionDays}`);
  const schema = options.schema ?? 'public';
  const tables = ledgerTables(schema);
  const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const flushIntervalMs = options.flushIntervalMs ?? 100;
  const retryIntervalMs = options.retryIntervalMs ?? 1_000;

  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: connectTimeoutMs,
    // PostgreSQL cancels a statement past this; the client gives up a second later, for a server
    // that has stopped answering altogether, and drops the connection.
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 1_000,
    idle_in_transaction_session_timeout: statementTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'junction-ledger',
  });
  // An idle connection that breaks (a restarting server) must not crash the process.
  pool.on('error', onError);

  const writer = writerId(now());
  let seq = 0;
  const spool = openSpool(options.spoolPath, onError);
  const batches = createBatchWriter(pool, tables, timeZone);

  let schemaReady: Promise<void> | undefined;
  function ensureSchema(): Promise<void> {
    schemaReady ??= (async () => {
      const client = await pool.connect();
      try {
        await migrate(client, schema);
      } finally {
        client.release();
      }
    })().catch((error: unknown) => {
      schemaReady = undefined;
      throw error;
    });
    return schemaReady;
  }

  /** Writes a batch to PostgreSQL, reporting the rows it refused. */
  async function insert(batch: RowBatch): Promise<void> {
    await ensureSchema();
    for (const { requestId, error } of await batches.write(batch)) onError(new LedgerEntryRejectedError(requestId, error));
    failing = false;
  }

  /** Set when PostgreSQL last failed; new batches then go straight to the spool until a retry succeeds. */
  let failing = false;

  const buffer = createWriteBuffer<PgRow>({
    write: async function writeBatch(rows) {
      const batch = { writer, rows };
      if (!failing) {
        try {
          return await insert(batch);
        } catch (error) {
          failing = true;
          onError(error);
        }
      }
      // If the spool fails too, this throws and the buffer keeps the rows for its next tick.
      await spool.append(batch);
    },
    batchSize: options.batchSize ?? 500,
    flushIntervalMs,
    retryIntervalMs: Math.max(flushIntervalMs, retryIntervalMs),
    maxBuffered: options.maxBufferedEntries ?? 100_000,
    onError,
  });

  let replaying: Promise<void> | undefined;
  /** One replay at a time: sends the spool to PostgreSQL, or, with nothing spooled, checks it answers. */
  function replay(): Promise<void> {
    replaying ??= (async () => {
      try {
        if (spool.hasData) await spool.replay(insert);
        else if (failing) {
          await ensureSchema();
          await pool.query('SELECT 1');
          failing = false;
        }
      } catch (error) {
        failing = true;
        throw error;
      } finally {
        replaying = undefined;
      }
    })();
    return replaying;
  }

  const retryTimer = setInterval(function retryOnTick() {
    if (replaying === undefined && (spool.hasData || failing)) replay().catch(onError);
  }, retryIntervalMs);
  retryTimer.unref();

  let pruning: Promise<number> | undefined;
  // Prunes run one after another, the background one and `prune()` alike, so each one's count is its own.
  let pruneQueue: Promise<unknown> = Promise.resolve();
  function prune(): Promise<number> {
    const run = pruneQueue.then(pruneNow);
    pruneQueue = run.catch(() => undefined);
    return run;
  }
  async function pruneNow(): Promise<number> {
    if (retentionDays === undefined) return 0;
    const cutoff = now() - retentionDays * DAY_MS;
    let deleted = 0;
    for (;;) {
      const result = await pool.query(`DELETE FROM ${tables.requests} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${tables.requests} WHERE ts < $1 LIMIT ${PRUNE_CHUNK}))`, [Math.floor(cutoff)]);
      deleted += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < PRUNE_CHUNK) return deleted;
    }
  }
  function pruneInBackground(): void {
    if (pruning !== undefined || spool.hasData || failing || closed) return;
    pruning = ensureSchema()
      .then(prune)
      .catch((error: unknown) => {
        onError(error);
        return 0;
      })
      .finally(() => (pruning = undefined));
  }
  const retentionIntervalMs = options.retentionIntervalMs ?? 3_600_000;
  const pruneInTheBackground = retentionDays !== undefined && retentionIntervalMs > 0;
  const retentionTimer = pruneInTheBackground ? setInterval(pruneInBackground, retentionIntervalMs) : undefined;
  retentionTimer?.unref();
  // Also once at start: a process restarted more often than the interval would otherwise never prune.
  const firstPrune = pruneInTheBackground ? setTimeout(pruneInBackground, 0) : undefined;
  firstPrune?.unref();

  let closed = false;
  let closing: Promise<void> | undefined;

  /** Everything recorded so far is in PostgreSQL, or this rejects. */
  async function caughtUp(): Promise<void> {
    await buffer.flush();
    if (spool.hasData || failing) await replay();
    await ensureSchema();
  }

  return {
    record(entry: LedgerEntry): void {
      if (closed) throw ledgerClosedError();
      let row: PgRow;
      try {
        row = toPgRow(seq, entry);
      } catch (error) {
        // Attempts that cannot be JSON: drop the entry alone, reported on a later microtask so
        // that `record` returns at once and never throws, whatever `onError` does.
        const rejected = new LedgerEntryRejectedError(entry.requestId, error);
        queueMicrotask(() => onError(rejected));
        return;
      }
      seq += 1;
      buffer.push(row);
    },
    flush(): Promise<void> {
      return buffer.flush();
    },
    async query(query: LedgerQuery = {}): Promise<LedgerEntry[]> {
      if (closed) throw ledgerClosedError();
      assertValidQuery(query);
      await caughtUp();
      const conditions: string[] = [];
      const params: unknown[] = [];
      if (query.route !== undefined) {
        params.push(query.route);
        conditions.push(`route = $${params.length}`);
      }
      if (query.since !== undefined) {
        // Timestamps are whole milliseconds; a bound beyond bigint's range would not bind.
        params.push(Math.min(Math.max(Math.ceil(query.since), Number.MIN_SAFE_INTEGER), Number.MAX_SAFE_INTEGER));
        conditions.push(`ts >= $${params.length}`);
      }
      params.push(query.limit ?? null);
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      // Writer ids start with the writer's start time and seq counts up: ties come out latest-recorded first.
      const sql = `SELECT * FROM ${tables.requests} ${where} ORDER BY ts DESC, writer DESC, seq DESC LIMIT $${params.length}`;
      const { rows } = await pool.query<RequestRow>(sql, params);
      return rows.map(fromRequestRow);
    },
    async count(): Promise<number> {
      if (closed) throw ledgerClosedError();
      await caughtUp();
      const { rows } = await pool.query<{ count: string }>(`SELECT COUNT(*) AS count FROM ${tables.requests}`);
      return Number(rows[0].count);
    },
    async spend(query: SpendQuery): Promise<SpendRow[]> {
      if (closed) throw ledgerClosedError();
      assertValidSpendQuery(query);
      await caughtUp();
      const { sql, params } = spendSql(query, {
        table: tables.dailyTotals,
        placeholder: (index) => `$${index}`,
        dayText: `to_char(day, 'YYYY-MM-DD')`,
        dayParameter: (placeholder) => `${placeholder}::date`,
        byteOrder: ' COLLATE "C"',
      });
      const { rows } = await pool.query<SpendResultRow>(sql, params);
      return rows.map((row) => toSpendRow(query.groupBy, row));
    },
    async loadHistory(query: LoadHistoryQuery): Promise<LoadHistoryRow[]> {
      if (closed) throw ledgerClosedError();
      await caughtUp();
      const { sql, params } = loadHistorySql(query, { table: tables.requests, placeholder: (index) => `$${index}::bigint`, byteOrder: ' COLLATE "C"' });
      const { rows } = await pool.query<{ deployment: string; start: string; requests: string }>(sql, params);
      return rows.map(toLoadRow);
    },
    async prune(): Promise<number> {
      if (closed) throw ledgerClosedError();
      await caughtUp();
      return prune();
    },
    close(): Promise<void> {
      closed = true;
      closing ??= (async () => {
        clearInterval(retryTimer);
        if (retentionTimer !== undefined) clearInterval(retentionTimer);
        if (firstPrune !== undefined) clearTimeout(firstPrune);
        try {
          // Into PostgreSQL or the spool; rejects only if neither would take them.
          await buffer.close();
          // A last replay while PostgreSQL answers; what stays spooled waits for the next start.
          if (spool.hasData && !failing) await replay().catch(onError);
        } finally {
          await Promise.allSettled([replaying, pruning, pruneQueue]);
          await endPool(pool, connectTimeoutMs);
        }
      })();
      return closing;
    },
  };
}

/**
 * A UUID whose first 48 bits are the writer's start time (as in UUIDv7), the rest random: rows
 * recorded in the same millisecond by two processes order by which process started later.
 */
function writerId(startedAt: number): string {
  const time = Math.max(0, Math.floor(startedAt)).toString(16).padStart(12, '0').slice(-12);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}${randomUUID().slice(13)}`;
}

/** Ends the pool, but not waiting past `timeoutMs` for a server that no longer answers. */
async function endPool(pool: pg.Pool, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  await Promise.race([pool.end().catch(() => undefined), timedOut]);
  clearTimeout(timer);
}
