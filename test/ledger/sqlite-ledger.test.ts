import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { LedgerEntryRejectedError } from '../../src/ledger/errors';
import { createSqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger';
import { ADD_TO_DAILY_TOTALS, migrate, SCHEMA_VERSION } from '../../src/ledger/sqlite/schema';
import type { LedgerEntry } from '../../src/ledger/types';
import { WriteBufferOverflowError } from '../../src/ledger/write-buffer';
import { runLedgerSuite, sampleEntry } from '../conformance/ledger.suite';
import { runSpendReportSuite } from '../conformance/spend-report.suite';
import { sqliteLedgerFixtures } from './sqlite-fixtures';

const { freshPath, cleanup, open, observe, rowsOnDisk } = sqliteLedgerFixtures('junction-ledger-');

runLedgerSuite('sqlite file', { create: () => createSqliteLedger({ path: freshPath(), batchSize: 64 }) });
runLedgerSuite('sqlite :memory:', { create: () => createSqliteLedger({ path: ':memory:' }) });
runSpendReportSuite('sqlite file', { create: ({ timeZone }) => createSqliteLedger({ path: freshPath(), batchSize: 3, timeZone }) });

describe('sqlite ledger', () => {
  it('creates the schema with typed columns, indexes and a version', () => {
    const path = freshPath();
    open({ path });
    const db = observe(path);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const columns = db.prepare('SELECT name, type FROM pragma_table_info(?)').all('requests') as Array<{ name: string; type: string }>;
    expect(Object.fromEntries(columns.map(({ name, type }) => [name, type]))).toMatchObject({
      request_id: 'TEXT', ts: 'INTEGER', stream: 'INTEGER', attempts: 'TEXT', cost_usd: 'REAL', input_tokens: 'INTEGER', status: 'INTEGER',
    });
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests'").pluck().all();
    expect(indexes).toEqual(expect.arrayContaining(['requests_request_id', 'requests_ts', 'requests_route_ts']));
    const key = db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk = 1').pluck().all('requests');
    expect(key).toEqual(['id']);
  });

  it('adds each batch to the daily totals by reading only the new rows, by id', () => {
    const db = new Database(':memory:');
    cleanup.push(() => db.close());
    db.function('ledger_day', (_timestamp: unknown) => null);
    migrate(db);
    // Through the ts index, every batch would read the whole table: the dated range looks selective.
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${ADD_TO_DAILY_TOTALS}`).all(0) as Array<{ detail: string }>;
    expect(plan.map((step) => step.detail)).toContainEqual(expect.stringMatching(/^SEARCH requests USING INTEGER PRIMARY KEY \(rowid>\?\)/));
  });

  it('record does not write inline, not even when a batch is full', async () => {
    const path = freshPath();
    const ledger = open({ path, batchSize: 3 });
    const disk = observe(path);
    for (let index = 0; index < 3; index += 1) ledger.record(sampleEntry(index));
    expect(rowsOnDisk(disk)).toBe(0);
    // The full batch is written on a later turn of the event loop, without any flush call.
    await vi.waitFor(() => expect(rowsOnDisk(disk)).toBe(3));
  });

  it('the timer writes a partial batch', async () => {
    const path = freshPath();
    const ledger = open({ path, batchSize: 1_000, flushIntervalMs: 5 });
    const disk = observe(path);
    ledger.record(sampleEntry(1));
    expect(rowsOnDisk(disk)).toBe(0);
    await vi.waitFor(() => expect(rowsOnDisk(disk)).toBe(1));
  });

  it('keeps data across close and reopen of the same file', async () => {
    const path = freshPath();
    const first = open({ path });
    first.record(sampleEntry(1));
    await first.flush();
    first.record(sampleEntry(2));
    await first.close();

    const second = open({ path });
    expect(await second.query()).toStrictEqual([sampleEntry(2), sampleEntry(1)]);
    second.record(sampleEntry(3));
    expect(await second.count()).toBe(3);
  });

  it('makes entries recorded right before close durable', async () => {
    const path = freshPath();
    const ledger = open({ path, batchSize: 10, flushIntervalMs: 60_000 });
    for (let index = 0; index < 25; index += 1) ledger.record(sampleEntry(index));
    await ledger.close();
    expect(rowsOnDisk(observe(path))).toBe(25);
  });

  it('refuses a file written by a newer schema', () => {
    const path = freshPath();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => createSqliteLedger({ path })).toThrow(/newer/);
  });

  describe('when the database refuses writes', () => {
    /** Another connection holding the write lock makes every flush fail with SQLITE_BUSY. */
    function lockWrites(path: string): () => void {
      const db = new Database(path);
      db.exec('BEGIN IMMEDIATE');
      const release = (): void => {
        if (db.inTransaction) db.exec('ROLLBACK');
        if (db.open) db.close();
      };
      cleanup.push(release);
      return release;
    }

    it('keeps the entries buffered, reports through onError, and lands them once writes succeed', async () => {
      const path = freshPath();
      const onError = vi.fn();
      const ledger = open({ path, flushIntervalMs: 5, onError });
      const release = lockWrites(path);
      const disk = observe(path);
      ledger.record(sampleEntry(1));
      ledger.record(sampleEntry(2));

      await vi.waitFor(() => expect(onError.mock.calls.length).toBeGreaterThanOrEqual(2));
      expect(onError.mock.calls[0][0]).toMatchObject({ code: 'SQLITE_BUSY' });
      expect(rowsOnDisk(disk)).toBe(0);
      await expect(ledger.flush()).rejects.toMatchObject({ code: 'SQLITE_BUSY' });

      release();
      await ledger.flush();
      expect(rowsOnDisk(disk)).toBe(2);
      expect(await ledger.query()).toStrictEqual([sampleEntry(2), sampleEntry(1)]);
    });

    it('keeps batch order when a retried batch lands behind newer entries', async () => {
      const path = freshPath();
      const ledger = open({ path, batchSize: 2, flushIntervalMs: 60_000 });
      const release = lockWrites(path);
      ledger.record(sampleEntry(1, { timestamp: 5 }));
      ledger.record(sampleEntry(2, { timestamp: 5 }));
      await expect(ledger.flush()).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      ledger.record(sampleEntry(3, { timestamp: 5 }));
      release();
      // Equal timestamps come out latest-recorded first, which shows the order they were written in.
      expect((await ledger.query()).map((entry) => entry.requestId)).toEqual(['req-3', 'req-2', 'req-1']);
    });

    it('close rejects, naming what it could not write', async () => {
      const path = freshPath();
      const ledger = open({ path, flushIntervalMs: 60_000 });
      lockWrites(path);
      ledger.record(sampleEntry(1));
      await expect(ledger.close()).rejects.toThrow(/1 items unwritten/);
    });

    it('drops the oldest entries past maxBufferedEntries and says so', async () => {
      const path = freshPath();
      const onError = vi.fn();
      const ledger = open({ path, flushIntervalMs: 5, maxBufferedEntries: 3, onError });
      const release = lockWrites(path);
      for (let index = 1; index <= 5; index += 1) ledger.record(sampleEntry(index));
      await vi.waitFor(() => expect(onError).toHaveBeenCalledWith(expect.any(WriteBufferOverflowError)));
      const overflow = onError.mock.calls.map(([error]) => error).find((error) => error instanceof WriteBufferOverflowError);
      expect(overflow?.dropped).toBe(2);
      release();
      expect((await ledger.query()).map((entry) => entry.requestId)).toEqual(['req-5', 'req-4', 'req-3']);
    });
  });

  it.each([
    // Binds, but SQLite refuses it in the worker: NaN binds as NULL into a NOT NULL column.
    { refused: 'by SQLite', poisoned: { ...sampleEntry(2), costUsd: Number.NaN }, message: 'NOT NULL' },
    // Cannot be bound at all: refused as it is recorded, naming the column.
    { refused: 'as it is recorded', poisoned: { ...sampleEntry(2), principal: { team: 'a' } } as unknown as LedgerEntry, message: 'column principal cannot hold a object' },
  ])('drops and reports an entry refused $refused, and lands the rest of its batch', async ({ poisoned, message }) => {
    const onError = vi.fn();
    const ledger = open({ path: ':memory:', onError });
    ledger.record(sampleEntry(1));
    ledger.record(poisoned);
    ledger.record(sampleEntry(3));
    await ledger.flush();
    expect((await ledger.query()).map((entry) => entry.requestId)).toEqual(['req-3', 'req-1']);
    expect(onError).toHaveBeenCalledTimes(1);
    const [error] = onError.mock.calls[0];
    expect(error).toBeInstanceOf(LedgerEntryRejectedError);
    expect(error.requestId).toBe('req-2');
    expect(error.message).toContain(message);
  });

  it('yields to the event loop between batches of a long backlog', async () => {
    const ledger = open({ path: ':memory:', batchSize: 10, flushIntervalMs: 60_000 });
    for (let index = 0; index < 100; index += 1) ledger.record(sampleEntry(index));
    let turns = 0;
    const flushed = ledger.flush().then(() => turns);
    for (let spin = 0; spin < 5; spin += 1) {
      await nextTurn();
      turns += 1;
    }
    expect(await flushed).toBeGreaterThan(0);
    expect(await ledger.count()).toBe(100);
  });
});

describe('SQLite ledger schema migration', () => {
  const V1_TABLE = `CREATE TABLE requests (request_id TEXT PRIMARY KEY, ts INTEGER NOT NULL, principal TEXT, route TEXT NOT NULL, ingress TEXT NOT NULL,
      endpoint TEXT NOT NULL, stream INTEGER NOT NULL, deployment TEXT, attempts TEXT NOT NULL, input_tokens INTEGER NOT NULL,
      output_tokens INTEGER NOT NULL, cached_input_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
      latency_ms REAL NOT NULL, ttft_ms REAL, status INTEGER NOT NULL, error_code TEXT, finish_reason TEXT, decision_reason TEXT)`;
  const V1_ROW = (id: string, ts: number) => `('${id}', ${ts}, NULL, 'chat', 'openai', 'chat', 0, 'd', '[]', 1, 2, 0, 0, 0.5, 10, NULL, 200, NULL, NULL, NULL`;

  it('upgrades a version-1 file in place, keeping its rows', async () => {
    const path = freshPath();
    const v1 = new Database(path);
    v1.exec(V1_TABLE);
    v1.exec(`INSERT INTO requests VALUES ${V1_ROW('old', 1)})`);
    v1.pragma('user_version = 1');
    v1.close();

    const ledger = createSqliteLedger({ path });
    ledger.record({ ...sampleEntry(1), requestId: 'new', strategy: 'p2c', fallbackTier: 'secondary' });
    const rows = await ledger.query();
    await ledger.close();
    expect(rows.map((row) => row.requestId).sort()).toEqual(['new', 'old']);
    expect(rows.find((row) => row.requestId === 'new')).toMatchObject({ strategy: 'p2c', fallbackTier: 'secondary' });
    expect(rows.find((row) => row.requestId === 'old')).toMatchObject({ route: 'chat', costUsd: 0.5 });
  });

  it('upgrades a version-3 file: team and model columns, and daily totals built from the rows already there, in the ledger time zone', async () => {
    const path = freshPath();
    const v3 = new Database(path);
    v3.exec(`CREATE TABLE requests (id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, ts INTEGER NOT NULL, principal TEXT, route TEXT NOT NULL,
      ingress TEXT NOT NULL, endpoint TEXT NOT NULL, stream INTEGER NOT NULL, deployment TEXT, attempts TEXT NOT NULL, input_tokens INTEGER NOT NULL,
      output_tokens INTEGER NOT NULL, cached_input_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
      latency_ms REAL NOT NULL, ttft_ms REAL, status INTEGER NOT NULL, error_code TEXT, finish_reason TEXT, decision_reason TEXT,
      strategy TEXT, variant TEXT, fallback_tier TEXT, hedge TEXT)`);
    const row = (id: string, principal: string | null, iso: string, status: number, cost: number) =>
      v3.prepare(`INSERT INTO requests VALUES (NULL, ?, ?, ?, 'chat', 'openai', 'chat', 0, 'd', '[]', 10, 2, 0, 0, ?, 10, NULL, ?, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`)
        .run(id, Date.parse(iso), principal, cost, status);
    // In Paris (UTC+2 in May) the first two fall on 2 May, the third on 1 May.
    row('a', 'k1', '2024-05-01T23:30:00Z', 200, 0.5);
    row('b', 'k1', '2024-05-02T01:00:00Z', 500, 0.25);
    row('c', null, '2024-05-01T21:00:00Z', 200, 1);
    v3.pragma('user_version = 3');
    v3.close();

    const ledger = createSqliteLedger({ path, timeZone: 'Europe/Paris' });
    expect(await ledger.spend({ groupBy: ['day', 'key'] })).toEqual([
      { day: '2024-05-01', key: null, requests: 1, errors: 0, inputTokens: 10, outputTokens: 2, costUsd: 1 },
      { day: '2024-05-02', key: 'k1', requests: 2, errors: 1, inputTokens: 20, outputTokens: 4, costUsd: 0.75 },
    ]);
    ledger.record(sampleEntry(1, { principal: 'k1', timestamp: Date.parse('2024-05-02T12:00:00Z'), costUsd: 0.25, inputTokens: 1, outputTokens: 1 }));
    expect(await ledger.spend({ groupBy: ['key', 'team', 'model'], since: '2024-05-02' })).toEqual([
      { key: 'k1', team: null, model: null, requests: 2, errors: 1, inputTokens: 20, outputTokens: 4, costUsd: 0.75 },
      { key: 'k1', team: 'platform', model: 'gpt-4o-mini-2024-07-18', requests: 1, errors: 0, inputTokens: 1, outputTokens: 1, costUsd: 0.25 },
    ]);
    expect((await ledger.query()).find((entry) => entry.requestId === 'a')).not.toHaveProperty('team');
    await ledger.close();
    expect(observe(path).pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('upgrades a version-4 file: an auto column, rows already there read back without a decision', async () => {
    const path = freshPath();
    const { auto: _auto, cacheHit: _cacheHit, costSavedUsd: _costSaved, ...withoutAuto } = sampleEntry(1);
    const first = createSqliteLedger({ path });
    first.record(withoutAuto);
    await first.close();
    // What version 4 was: the same table without the auto column (nor version 6's cache columns).
    const v4 = new Database(path);
    v4.exec('ALTER TABLE requests DROP COLUMN auto; ALTER TABLE requests DROP COLUMN cache_hit; ALTER TABLE requests DROP COLUMN cost_saved_usd');
    v4.pragma('user_version = 4');
    v4.close();

    const ledger = createSqliteLedger({ path });
    ledger.record(sampleEntry(2));
    expect(await ledger.query()).toStrictEqual([sampleEntry(2), withoutAuto]);
    expect(await ledger.spend({ groupBy: [] })).toMatchObject([{ requests: 2 }]);
    await ledger.close();
    expect(observe(path).pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('upgrades a version-2 file keyed by request id: rows, their order and indexes kept, a reused id then stored twice', async () => {
    const path = freshPath();
    const v2 = new Database(path);
    v2.exec(V1_TABLE);
    v2.exec('ALTER TABLE requests ADD COLUMN strategy TEXT; ALTER TABLE requests ADD COLUMN variant TEXT;');
    v2.exec('ALTER TABLE requests ADD COLUMN fallback_tier TEXT; ALTER TABLE requests ADD COLUMN hedge TEXT;');
    v2.exec('CREATE INDEX requests_ts ON requests (ts); CREATE INDEX requests_route_ts ON requests (route, ts);');
    // Three rows with one timestamp: their rowid order is what breaks the tie in queries.
    for (const id of ['b', 'c', 'a']) v2.exec(`INSERT INTO requests VALUES ${V1_ROW(id, 5)}, 'p2c', NULL, NULL, NULL)`);
    v2.pragma('user_version = 2');
    v2.close();

    const ledger = createSqliteLedger({ path });
    expect((await ledger.query()).map((row) => row.requestId)).toEqual(['a', 'c', 'b']);
    ledger.record(sampleEntry(1, { requestId: 'a', timestamp: 5 }));
    expect(await ledger.count()).toBe(4);
    expect((await ledger.query()).map((row) => [row.requestId, row.strategy])).toEqual([['a', 'least-latency'], ['a', 'p2c'], ['c', 'p2c'], ['b', 'p2c']]);
    await ledger.close();

    const db = observe(path);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests' ORDER BY name").pluck().all();
    expect(indexes).toEqual(['requests_request_id', 'requests_route_ts', 'requests_ts']);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'requests_v%'").all()).toEqual([]);
  });
});
