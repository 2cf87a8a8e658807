/**
 * The embedded ledger: one SQLite file beside the config. The database work runs in a worker
 * thread (ledger-worker.mjs) so that transactions never stall the event loop; the main thread
 * encodes each entry into a row's bytes as it is recorded (row-codec.mjs) and hands rows over in
 * small, frequent batches, each one block of bytes transferred to the worker. A batch stays
 * buffered here until the worker reports it committed: while the file refuses writes, an
 * explicit `flush` (and so `query`/`count`, which flush first) rejects rather than read stale
 * data, background failures go to `onError`, and the timer retries.
 */
import Database from 'better-sqlite3';
import { calendarDayIn } from '../calendar-day';
import { LedgerEntryRejectedError, ledgerClosedError, warnLedgerError } from '../errors';
import { loadHistorySql, toLoadRow, type LoadHistoryQuery, type LoadHistoryRow, type LoadHistorySource } from '../load-history';
import { assertValidQuery } from '../query';
import { assertValidSpendQuery, type SpendQuery, type SpendReport, type SpendRow } from '../reports';
import { spendSql, toSpendRow, type SpendResultRow, type SpendSqlDialect } from '../spend-sql';
import type { Ledger, LedgerEntry, LedgerQuery } from '../types';
import { createWriteBuffer } from '../write-buffer';
import { startLedgerWorker } from './ledger-worker-client';
import { decodeRows, encodeRow, joinRows } from './row-codec.mjs';
import { ADD_TO_DAILY_TOTALS, COLUMNS, fromRow, INSERT_ENTRY, migrate, toRowValues, type RequestRow } from './schema';
import { reviveError, type RejectedRow } from './worker-protocol';

/** While the file refuses writes, how often the timer retries (and `onError` hears of it). */
const RETRY_INTERVAL_MS = 200;

const SPEND_DIALECT: SpendSqlDialect = { table: 'daily_totals', placeholder: () => '?', dayText: 'day', dayParameter: (placeholder) => placeholder, byteOrder: '' };

export interface SqliteLedgerOptions {
  /** Database file; `':memory:'` for a throwaway ledger. Created if missing. */
  path: string;
  /** Rows per hand-over to the worker (one transaction each), and the backlog that triggers one before the timer. Default 128. */
  batchSize?: number;
  /** How often buffered rows are handed to the worker. Default 25. */
  flushIntervalMs?: number;
  /** Entries held while the database refuses writes; beyond it the oldest are dropped and reported. Default 100,000. */
  maxBufferedEntries?: number;
  /** Hears of failed background flushes (retried every 200 ms or so), rejected entries and dropped entries. Defaults to a process warning. */
  onError?: (error: unknown) => void;
  /**
   * The IANA time zone whose calendar days the daily totals (and so spend reports) count in.
   * Default UTC. Totals already stored keep the days they were counted in.
   */
  timeZone?: string;
}

export function createSqliteLedger(options: SqliteLedgerOptions): Ledger & SpendReport & LoadHistorySource {
  const onError = options.onError ?? warnLedgerError;
  const timeZone = options.timeZone ?? 'UTC';
  const source = prepareDatabase(options.path, timeZone);
  const flushIntervalMs = options.flushIntervalMs ?? 25;

  // Rows are kept encoded until the worker has committed them, so a failed write can be retried.
  const buffer = createWriteBuffer<Uint8Array>({
    write: async function writeBatch(rows) {
      const bytes = joinRows(rows);
      const rejected = await worker.request<RejectedRow[]>({ op: 'write', rows: bytes }, [bytes.buffer]);
      for (const { index, error } of rejected) onError(new LedgerEntryRejectedError(String(decodeRows(rows[index])[0][0]), reviveError(error)));
    },
    batchSize: options.batchSize ?? 128,
    flushIntervalMs,
    // Hand-overs are frequent; retries against a refusing file need not be.
    retryIntervalMs: Math.max(flushIntervalMs, RETRY_INTERVAL_MS),
    maxBuffered: options.maxBufferedEntries ?? 100_000,
    onError,
  });
  // Started after the buffer has checked its options, so a bad option leaves no thread behind.
  const worker = startLedgerWorker({ source, pragmas: ['synchronous = NORMAL'], insertSql: INSERT_ENTRY, totalsSql: ADD_TO_DAILY_TOTALS, timeZone });

  let closed = false;
  let closing: Promise<void> | undefined;

  async function select(query: LedgerQuery): Promise<RequestRow[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (query.route !== undefined) {
      conditions.push('route = ?');
      params.push(query.route);
    }
    if (query.since !== undefined) {
      conditions.push('ts >= ?');
      params.push(query.since);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    // id breaks timestamp ties: the entry recorded later comes first.
    const sql = `SELECT * FROM requests ${where} ORDER BY ts DESC, id DESC LIMIT ?`;
    params.push(query.limit ?? -1);
    return worker.request<RequestRow[]>({ op: 'read', sql, params });
  }

  return {
    record(entry: LedgerEntry): void {
      if (closed) throw ledgerClosedError();
      let row: Uint8Array;
      try {
        // A value SQLite cannot bind is refused here, naming its column, so the one bad entry is
        // dropped instead of failing its batch on every retry.
        row = encodeRow(toRowValues(entry), COLUMNS);
      } catch (error) {
        // A cyclic or unstorable entry: drop it alone. Reported on a later microtask so that
        // `record` returns at once and never throws, whatever `onError` does.
        const rejected = new LedgerEntryRejectedError(entry.requestId, error);
        queueMicrotask(() => onError(rejected));
        return;
      }
      buffer.push(row);
    },
    flush(): Promise<void> {
      return buffer.flush();
    },
    async query(query: LedgerQuery = {}): Promise<LedgerEntry[]> {
      if (closed) throw ledgerClosedError();
      assertValidQuery(query);
      await buffer.flush();
      return (await select(query)).map(fromRow);
    },
    async count(): Promise<number> {
      if (closed) throw ledgerClosedError();
      await buffer.flush();
      const [row] = await worker.request<Array<{ count: number }>>({ op: 'read', sql: 'SELECT COUNT(*) AS count FROM requests', params: [] });
      return row.count;
    },
    async spend(query: SpendQuery): Promise<SpendRow[]> {
      if (closed) throw ledgerClosedError();
      assertValidSpendQuery(query);
      await buffer.flush();
      const { sql, params } = spendSql(query, SPEND_DIALECT);
      const rows = await worker.request<SpendResultRow[]>({ op: 'read', sql, params });
      return rows.map((row) => toSpendRow(query.groupBy, row));
    },
    async loadHistory(query: LoadHistoryQuery): Promise<LoadHistoryRow[]> {
      if (closed) throw ledgerClosedError();
      await buffer.flush();
      const { sql, params } = loadHistorySql(query, { table: 'requests', placeholder: () => '?', byteOrder: '' });
      const rows = await worker.request<Array<{ deployment: string; start: number; requests: number }>>({ op: 'read', sql, params });
      return rows.map(toLoadRow);
    },
    close(): Promise<void> {
      closed = true;
      closing ??= (async () => {
        try {
          await buffer.close();
        } finally {
          // Stopped even when rows were left unwritten: close() reports those, and a thread
          // left running would hold the file open.
          await worker.stop().catch(onError);
        }
      })();
      return closing;
    },
  };
}

/**
 * Opens the database once on the main thread, at startup, to set WAL and migrate: schema.ts
 * stays the one place that knows the schema, and a file this version cannot use fails here,
 * synchronously. Returns what the worker should open: the same path, or, for an in-memory
 * database (which exists only inside its connection), its bytes.
 */
function prepareDatabase(path: string, timeZone: string): string | Buffer {
  const dayOf = calendarDayIn(timeZone);
  // No busy wait: a locked file fails at once rather than blocking the event loop.
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma('journal_mode = WAL');
    // Upgrading a file to version 4 builds its daily totals.
    db.function('ledger_day', { deterministic: true }, (timestamp) => dayOf(Number(timestamp)) ?? null);
    migrate(db);
    return db.memory ? db.serialize() : path;
  } finally {
    db.close();
  }
}
