/**
 * The batch store in a SQLite file, so uploaded files, batches and finished lines survive a
 * restart (lines that were running are released and run again). Statements are synchronous
 * but small (one row, or one transaction per batch created); none is on an interactive
 * request's path, only on the batch runner's and the Batch API's.
 */
import Database from 'better-sqlite3';
import type { BatchLine, BatchListQuery, BatchRecord, BatchStore, FileRecord, LineResult } from './types';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS batch_files (
  id          TEXT PRIMARY KEY,
  owner       TEXT,
  record      TEXT NOT NULL,
  content     BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
  id          TEXT PRIMARY KEY,
  owner       TEXT,
  created_at  INTEGER NOT NULL,
  status      TEXT NOT NULL,
  expires_at  INTEGER NOT NULL,
  record      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS batches_by_owner ON batches (owner, created_at DESC, id DESC);
CREATE TABLE IF NOT EXISTS batch_lines (
  batch_id    TEXT NOT NULL,
  idx         INTEGER NOT NULL,
  line        TEXT NOT NULL,
  state       INTEGER NOT NULL DEFAULT 0,
  result      TEXT,
  PRIMARY KEY (batch_id, idx)
) WITHOUT ROWID;
`;

/** A line's state: waiting, running, or done (it has a result). */
const PENDING = 0;
const TAKEN = 1;
const DONE = 2;

export interface SqliteBatchStoreOptions {
  /** A file path, or `:memory:`. */
  path: string;
}

export function createSqliteBatchStore(options: SqliteBatchStoreOptions): BatchStore {
  const db = new Database(options.path, { timeout: 5_000 });
  if (options.path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) throw new Error(`batch store schema version ${version} is newer than this Junction understands (${SCHEMA_VERSION})`);
  db.exec(SCHEMA);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);

  const statements = {
    putFile: db.prepare('INSERT OR REPLACE INTO batch_files (id, owner, record, content) VALUES (?, ?, ?, ?)'),
    getFile: db.prepare<[string], { record: string }>('SELECT record FROM batch_files WHERE id = ?'),
    fileContent: db.prepare<[string], { content: Buffer }>('SELECT content FROM batch_files WHERE id = ?'),
    deleteFile: db.prepare('DELETE FROM batch_files WHERE id = ?'),
    putBatch: db.prepare('INSERT OR REPLACE INTO batches (id, owner, created_at, status, expires_at, record) VALUES (?, ?, ?, ?, ?, ?)'),
    putLine: db.prepare('INSERT OR REPLACE INTO batch_lines (batch_id, idx, line, state) VALUES (?, ?, ?, 0)'),
    getBatch: db.prepare<[string], { record: string }>('SELECT record FROM batches WHERE id = ?'),
    updateBatch: db.prepare('UPDATE batches SET status = ?, expires_at = ?, record = ? WHERE id = ?'),
    list: db.prepare<[string | null, number], { record: string }>('SELECT record FROM batches WHERE owner IS ? ORDER BY created_at DESC, id DESC LIMIT ?'),
    listAfter: db.prepare<[string | null, number, number, string, number], { record: string }>(
      'SELECT record FROM batches WHERE owner IS ? AND (created_at < ? OR (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC LIMIT ?',
    ),
    active: db.prepare<[], { record: string }>("SELECT record FROM batches WHERE status IN ('validating', 'in_progress', 'finalizing', 'cancelling') ORDER BY expires_at, created_at"),
    pendingLines: db.prepare<[string, number], { idx: number; line: string }>(`SELECT idx, line FROM batch_lines WHERE batch_id = ? AND state = ${PENDING} ORDER BY idx LIMIT ?`),
    markTaken: db.prepare(`UPDATE batch_lines SET state = ${TAKEN} WHERE batch_id = ? AND idx = ?`),
    pendingCount: db.prepare<[string], { count: number }>(`SELECT COUNT(*) AS count FROM batch_lines WHERE batch_id = ? AND state = ${PENDING}`),
    putResult: db.prepare(`INSERT INTO batch_lines (batch_id, idx, line, state, result) VALUES (?, ?, '{}', ${DONE}, ?) ON CONFLICT (batch_id, idx) DO UPDATE SET state = ${DONE}, result = excluded.result`),
    results: db.prepare<[string], { result: string }>(`SELECT result FROM batch_lines WHERE batch_id = ? AND state = ${DONE} ORDER BY idx`),
    releaseTaken: db.prepare(`UPDATE batch_lines SET state = ${PENDING} WHERE batch_id = ? AND state = ${TAKEN}`),
  };

  const insertBatch = db.transaction((record: BatchRecord, lines: readonly BatchLine[]) => {
    statements.putBatch.run(record.id, record.owner ?? null, record.createdAt, record.status, record.expiresAt, JSON.stringify(record));
    for (const line of lines) statements.putLine.run(record.id, line.index, JSON.stringify(line));
  });
  const take = db.transaction((batchId: string, limit: number): BatchLine[] => {
    const rows = statements.pendingLines.all(batchId, limit);
    for (const row of rows) statements.markTaken.run(batchId, row.idx);
    return rows.map((row) => JSON.parse(row.line) as BatchLine);
  });
  const records = (rows: Array<{ record: string }>) => rows.map((row) => JSON.parse(row.record) as BatchRecord);

  return {
    async putFile(record: FileRecord, content: Buffer) {
      statements.putFile.run(record.id, record.owner ?? null, JSON.stringify(record), content);
    },
    async getFile(id) {
      const row = statements.getFile.get(id);
      return row && (JSON.parse(row.record) as FileRecord);
    },
    async fileContent(id) {
      return statements.fileContent.get(id)?.content;
    },
    async deleteFile(id) {
      return statements.deleteFile.run(id).changes > 0;
    },
    async putBatch(record, lines) {
      insertBatch(record, lines);
    },
    async getBatch(id) {
      const row = statements.getBatch.get(id);
      return row && (JSON.parse(row.record) as BatchRecord);
    },
    async updateBatch(record) {
      statements.updateBatch.run(record.status, record.expiresAt, JSON.stringify(record), record.id);
    },
    async listBatches(query: BatchListQuery) {
      const owner = query.owner ?? null;
      if (query.after === undefined) return records(statements.list.all(owner, query.limit));
      const cursor = statements.getBatch.get(query.after);
      const after = cursor && (JSON.parse(cursor.record) as BatchRecord);
      // A cursor that is not one of the owner's batches lists nothing.
      if (!after || (after.owner ?? null) !== owner) return [];
      return records(statements.listAfter.all(owner, after.createdAt, after.createdAt, after.id, query.limit));
    },
    async activeBatches() {
      return records(statements.active.all());
    },
    async takeLines(batchId, limit) {
      return take(batchId, limit);
    },
    async pendingCount(batchId) {
      return statements.pendingCount.get(batchId)!.count;
    },
    async putResult(batchId, result: LineResult) {
      statements.putResult.run(batchId, result.index, JSON.stringify(result));
    },
    async results(batchId) {
      return statements.results.all(batchId).map((row) => JSON.parse(row.result) as LineResult);
    },
    async releaseTaken(batchId) {
      statements.releaseTaken.run(batchId);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
