/**
 * The SQLite ledger's worker thread: it owns the database connection, so transactions, row
 * binding and reads never run on the main thread's event loop.
 *
 * Plain JavaScript that imports only Node built-ins and better-sqlite3, so it loads unchanged
 * under tsx, under vitest and beside a bundle (see ledger-worker-client.ts). It knows nothing
 * of ledger entries: the main thread sends finished rows (encoded arrays of column values) and the SQL
 * to run, both defined in schema.ts, so the schema keeps a single source. The messages are
 * typed in worker-protocol.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { decodeRows } from './row-codec.mjs';

/** Opens the database and prepares what the requests need; throws if the file cannot be used. */
function openStore({ source, pragmas, insertSql, totalsSql, timeZone }) {
  // An in-memory database arrives as bytes; structured clone turns a Buffer into a plain
  // Uint8Array, and better-sqlite3 opens only a Buffer.
  const file = typeof source === 'string' ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  // No busy wait: a locked file fails the batch at once and the main thread retries it on its
  // next tick, so `flush` reports a refusing database promptly instead of hanging.
  const db = new Database(file, { timeout: 0 });
  try {
    for (const pragma of pragmas) db.pragma(pragma);
    db.function('ledger_day', { deterministic: true }, calendarDayIn(timeZone));
    const insert = db.prepare(insertSql);
    const lastId = db.prepare('SELECT COALESCE(MAX(id), 0) FROM requests').pluck();
    const addToTotals = db.prepare(totalsSql);
    const reads = new Map();

    // One transaction per batch, daily totals included. A row refused for its content is
    // skipped and named in the reply rather than failing the batch: retrying it would wedge
    // every row behind it forever.
    const insertBatch = db.transaction(function insertBatch(rows) {
      const before = lastId.get();
      const rejected = [];
      for (let index = 0; index < rows.length; index += 1) {
        try {
          insert.run(rows[index]);
        } catch (error) {
          if (!isRowError(error) || !db.open) throw error;
          rejected.push({ index, error: describeError(error) });
        }
      }
      addToTotals.run(before);
      return rejected;
    });

    const read = function read(sql, params) {
      let statement = reads.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        reads.set(sql, statement);
      }
      return statement.all(...params);
    };

    return { db, insertBatch, read };
  } catch (error) {
    db.close();
    throw error;
  }
}

function handle(store, request) {
  switch (request.op) {
    case 'write':
      return store.insertBatch(decodeRows(request.rows));
    case 'read':
      return store.read(request.sql, request.params);
    case 'close':
      store.db.close();
      return undefined;
    default:
      throw new Error(`unknown ledger worker request ${request.op}`);
  }
}

function serve(store) {
  parentPort.on('message', function onRequest(request) {
    let reply;
    try {
      reply = { id: request.id, ok: true, value: handle(store, request) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: describeError(error) };
    }
    parentPort.postMessage(reply);
    // With the port closed and the database shut, the thread has nothing left and ends.
    if (request.op === 'close' && !store.db.open) parentPort.close();
  });
}

let store;
try {
  store = openStore(workerData);
} catch (error) {
  // Said in a message rather than thrown: a thrown SqliteError reaches the main thread's
  // 'error' event stripped of its message.
  parentPort.postMessage({ fatal: describeError(error) });
  parentPort.close();
}
if (store !== undefined) serve(store);

/**
 * The calendar day of a timestamp in `timeZone`, as `YYYY-MM-DD`: a copy of calendarDayIn in
 * calendar-day.ts (this file cannot import TypeScript), which explains the minute cache. Keep
 * the two in step: the spend report suite holds this one (SQLite's reports) and that one (the
 * memory ledger's, and the SQLite upgrade's) to the same days, in zones with DST and half hours.
 */
function calendarDayIn(timeZone) {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  let lastMinute = Number.NaN;
  let lastDay = '';
  return function calendarDay(timestamp) {
    // The dated range: the SQL that calls this skips what lies outside.
    if (!(timestamp >= 0 && timestamp < 253_402_300_800_000)) return null;
    const minute = Math.floor(timestamp / 60_000);
    if (minute !== lastMinute) {
      let year = '';
      let month = '';
      let day = '';
      for (const part of format.formatToParts(timestamp)) {
        if (part.type === 'year') year = part.value;
        else if (part.type === 'month') month = part.value;
        else if (part.type === 'day') day = part.value;
      }
      lastDay = `${year.padStart(4, '0')}-${month}-${day}`;
      lastMinute = minute;
    }
    return lastDay;
  };
}

/** Errors caused by one row's content, as opposed to the database being unavailable. */
function isRowError(error) {
  // Binding an unsupported value.
  if (error instanceof TypeError || error instanceof RangeError) return true;
  const code = error?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG');
}

/** Errors cross the thread boundary as plain data; the main thread rebuilds them (reviveError). */
function describeError(error) {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = typeof error.code === 'string' ? error.code : undefined;
  return code === undefined ? { name: error.name, message: error.message } : { name: error.name, message: error.message, code };
}
