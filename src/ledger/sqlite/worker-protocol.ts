/**
 * The messages between the SQLite ledger and its worker thread (ledger-worker.mjs, which is
 * plain JavaScript and so cannot import these types: keep the two in step).
 */
import Database from 'better-sqlite3';

/** What the worker is started with. */
export interface LedgerWorkerData {
  /**
   * A database file, already migrated, or the bytes of an in-memory database built on the
   * main thread: an in-memory database lives in one connection and cannot be opened twice.
   */
  source: string | Uint8Array;
  /** Per-connection pragmas; the journal mode is stored in the file and set at migration. */
  pragmas: string[];
  insertSql: string;
  /** Run after each batch's inserts, in its transaction, with the last `id` before them: adds the new rows to the daily totals. */
  totalsSql: string;
  /** The IANA zone the daily totals' days are in; the worker registers `ledger_day` with it. */
  timeZone: string;
}

/**
 * Handled strictly in the order sent, so a read sent after a write sees it.
 * - `write`: one transaction over the encoded rows (row-codec.mjs); replies with the rows refused for their content.
 * - `read`: replies with all rows of a SELECT.
 * - `close`: closes the database; the thread then ends.
 */
export type LedgerWorkerRequest = { op: 'write'; rows: Uint8Array } | { op: 'read'; sql: string; params: unknown[] } | { op: 'close' };

/** An error as it crosses the thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  /** SQLite's result code, e.g. `SQLITE_BUSY`. */
  code?: string;
}

/** A row of a write batch that SQLite refused for its content; `index` is its place in the batch. */
export interface RejectedRow {
  index: number;
  error: SerializedError;
}

/** The answer to request `id`. */
export type LedgerWorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

/** What the worker posts: replies, or, when it cannot open the database, why, just before it ends. */
export type LedgerWorkerMessage = LedgerWorkerReply | { fatal: SerializedError };

/** Rebuilds a worker's error so callers can match it as if the main thread had thrown it (`code`, `instanceof`). */
export function reviveError(error: SerializedError): Error {
  if (error.code !== undefined) return new Database.SqliteError(error.message, error.code);
  if (error.name === 'TypeError') return new TypeError(error.message);
  if (error.name === 'RangeError') return new RangeError(error.message);
  const revived = new Error(error.message);
  revived.name = error.name;
  return revived;
}
