/**
 * The embedded ledger: one SQLite file beside the config. Writes are buffered in memory and
 * land in batches, one transaction per batch, off the request path. While the file refuses
 * writes, an explicit `flush` (and so `query`/`count`, which flush first) rejects rather than
 * read stale data; background failures go to `onError` and are retried on the next tick.
 */
import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { LedgerEntryRejectedError, ledgerClosedError, warnLedgerError } from '../errors';
import { assertValidQuery } from '../query';
import type { Ledger, LedgerEntry, LedgerQuery } from '../types';
import { createWriteBuffer } from '../write-buffer';
import { fromRow, INSERT_ENTRY, migrate, toRow, type RequestRow } from './schema';

export interface SqliteLedgerOptions {
  /** Database file; `':memory:'` for a throwaway ledger. Created if missing. */
  path: string;
  /** Entries per transaction, and the backlog that triggers a write before the timer. Default 500. */
  batchSize?: number;
  /** Default 200. */
  flushIntervalMs?: number;
  /** Entries held while the database refuses writes; beyond it the oldest are dropped and reported. Default 100,000. */
  maxBufferedEntries?: number;
  /** Hears of failed background flushes (retried on the next tick), rejected entries and dropped entries. Defaults to a process warning. */
  onError?: (error: unknown) => void;
}

export function createSqliteLedger(options: SqliteLedgerOptions): Ledger {
  const onError = options.onError ?? warnLedgerError;
  // No busy wait: a locked file would block the event loop; the next tick retries instead.
  const db = new Database(options.path, { timeout: 0 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }

  const insert = db.prepare<[RequestRow]>(INSERT_ENTRY);
  const count = db.prepare<[], number>('SELECT COUNT(*) FROM requests').pluck();
  const selects = new Map<string, Statement<unknown[], RequestRow>>();

  // One transaction per batch. A row refused for its content is dropped and reported rather
  // than failing the batch: retrying it would wedge every entry behind it forever.
  const insertBatch = db.transaction(function insertBatch(entries: LedgerEntry[]): LedgerEntryRejectedError[] {
    const rejected: LedgerEntryRejectedError[] = [];
    for (const entry of entries) {
      try {
        insert.run(toRow(entry));
      } catch (error) {
        if (!isEntryError(error) || !db.open) throw error;
        rejected.push(new LedgerEntryRejectedError(entry.requestId, error));
      }
    }
    return rejected;
  });

  const buffer = createWriteBuffer<LedgerEntry>({
    write: function writeBatch(batch) {
      for (const error of insertBatch(batch)) onError(error);
    },
    batchSize: options.batchSize ?? 500,
    flushIntervalMs: options.flushIntervalMs ?? 200,
    maxBuffered: options.maxBufferedEntries ?? 100_000,
    onError,
  });

  let closed = false;
  let closing: Promise<void> | undefined;

  function select(query: LedgerQuery): RequestRow[] {
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
    // rowid breaks timestamp ties: the entry recorded later comes first.
    const sql = `SELECT * FROM requests ${where} ORDER BY ts DESC, rowid DESC LIMIT ?`;
    params.push(query.limit ?? -1);
    let statement = selects.get(sql);
    if (statement === undefined) {
      statement = db.prepare<unknown[], RequestRow>(sql);
      selects.set(sql, statement);
    }
    return statement.all(...params);
  }

  return {
    record(entry: LedgerEntry): void {
      if (closed) throw ledgerClosedError();
      buffer.push(entry);
    },
    flush(): Promise<void> {
      return buffer.flush();
    },
    async query(query: LedgerQuery = {}): Promise<LedgerEntry[]> {
      if (closed) throw ledgerClosedError();
      assertValidQuery(query);
      await buffer.flush();
      return select(query).map(fromRow);
    },
    async count(): Promise<number> {
      if (closed) throw ledgerClosedError();
      await buffer.flush();
      return count.get() as number;
    },
    close(): Promise<void> {
      closed = true;
      closing ??= buffer.close().finally(() => db.close());
      return closing;
    },
  };
}

/** Errors caused by one entry's content, as opposed to the database being unavailable. */
function isEntryError(error: unknown): boolean {
  // Binding an unsupported value or serialising a cyclic/bigint attempt list.
  if (error instanceof TypeError || error instanceof RangeError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG');
}
