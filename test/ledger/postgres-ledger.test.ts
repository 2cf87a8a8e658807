/**
 * The PostgreSQL ledger against the real server: the port's conformance suites, its schema
 * and migrations, rows PostgreSQL refuses, daily totals that never count a row twice,
 * concurrent writers and retention. Outages are in postgres-ledger-outage.test.ts.
 */
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { LedgerEntryRejectedError } from '../../src/ledger/errors';
import { createPostgresLedger } from '../../src/ledger/postgres/postgres-ledger';
import { toColumnLiterals, toPgRow } from '../../src/ledger/postgres/rows';
import { ledgerTables, SCHEMA_VERSION } from '../../src/ledger/postgres/schema';
import { createBatchWriter } from '../../src/ledger/postgres/write-batch';
import type { LedgerEntry } from '../../src/ledger/types';
import { runLedgerSuite, sampleEntry } from '../conformance/ledger.suite';
import { runSpendReportSuite } from '../conformance/spend-report.suite';
import { POSTGRES_URL, postgresLedgerFixtures } from './postgres-fixtures';

const { admin, cleanup, freshSchema, freshSpool, open, rowCount, requestIds } = postgresLedgerFixtures('ledger');

runLedgerSuite('postgres', { create: () => open({ batchSize: 64, flushIntervalMs: 10 }) });
runSpendReportSuite('postgres', { create: ({ timeZone }) => open({ batchSize: 3, flushIntervalMs: 10, timeZone }) });

const DAY = 86_400_000;

describe('postgres ledger', () => {
  it('creates its tables, indexes and version in its own schema on first use, once', async () => {
    const schema = freshSchema();
    const first = open({ schema });
    first.record(sampleEntry(1));
    await first.flush();
    const second = open({ schema });
    second.record(sampleEntry(2));
    expect(await second.count()).toBe(2);

    const { rows: version } = await admin.query(`SELECT version FROM "${schema}".ledger_schema_version`);
    expect(version).toEqual([{ version: SCHEMA_VERSION }]);
    const { rows: indexes } = await admin.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname', [schema]);
    expect(indexes.map((row) => row.indexname)).toEqual([
      'ledger_daily_totals_pkey',
      'ledger_daily_totals_principal_day',
      'ledger_daily_totals_team_day',
      'ledger_requests_pkey',
      'ledger_requests_request_id',
      'ledger_requests_route_ts',
      'ledger_requests_ts',
    ]);
  });

  it('upgrades a version-1 schema in place: an auto column, rows already there read back without a decision', async () => {
    const schema = freshSchema();
    const { auto: _auto, cacheHit: _cacheHit, costSavedUsd: _costSaved, ...withoutAuto } = sampleEntry(1);
    const first = open({ schema });
    first.record(withoutAuto);
    await first.close();
    // What version 1 was: the same table without the auto column (nor version 3's cache columns).
    await admin.query(`ALTER TABLE "${schema}".ledger_requests DROP COLUMN auto, DROP COLUMN cache_hit, DROP COLUMN cost_saved_usd; UPDATE "${schema}".ledger_schema_version SET version = 1`);

    const second = open({ schema });
    second.record(sampleEntry(2));
    expect(await second.query()).toStrictEqual([sampleEntry(2), withoutAuto]);
    const { rows } = await admin.query(`SELECT version FROM "${schema}".ledger_schema_version`);
    expect(rows).toEqual([{ version: SCHEMA_VERSION }]);
  });

  it('writes a row spooled before the auto column existed, with no decision', () => {
    const old = toPgRow(1, sampleEntry(1)).slice(0, -1);
    const { literals, refused } = toColumnLiterals([old]);
    expect(refused).toEqual([]);
    expect(literals.at(-1)).toBe('{NULL}');
  });

  it('refuses a schema written by a newer version, and reads fail saying so', async () => {
    const schema = freshSchema();
    await admin.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".ledger_schema_version (version integer NOT NULL); INSERT INTO "${schema}".ledger_schema_version VALUES (${SCHEMA_VERSION + 1})`);
    const ledger = open({ schema });
    await expect(ledger.count()).rejects.toThrow(/newer/);
  });

  it('puts the tables in the public schema by default', () => {
    expect(ledgerTables('public').requests).toBe('"public".ledger_requests');
    expect(ledgerTables('we"ird').dailyTotals).toBe('"we""ird".ledger_daily_totals');
  });

  it('record does not write inline, not even when a batch is full', async () => {
    const schema = freshSchema();
    const ledger = open({ schema, batchSize: 3, flushIntervalMs: 60_000 });
    await ledger.count();
    for (let index = 0; index < 3; index += 1) ledger.record(sampleEntry(index));
    expect(await rowCount(schema)).toBe(0);
    await vi.waitFor(async () => expect(await rowCount(schema)).toBe(3));
  });

  it.each([
    // What PostgreSQL itself refuses: found by writing the failed batch row by row.
    { refused: 'by PostgreSQL (a NUL character)', poisoned: sampleEntry(2, { errorCode: 'nul\u0000' }), message: '0x00' },
    { refused: 'by PostgreSQL (a status beyond integer)', poisoned: sampleEntry(2, { status: 2 ** 40 }), message: 'out of range' },
    // What PostgreSQL would take but must not: a NaN would poison every total after it.
    { refused: 'before sending (a NaN cost)', poisoned: sampleEntry(2, { costUsd: Number.NaN }), message: 'column cost_usd cannot hold NaN' },
    { refused: 'before sending (an object for text)', poisoned: { ...sampleEntry(2), principal: { team: 'a' } } as unknown as LedgerEntry, message: 'column principal cannot hold a object' },
    { refused: 'before sending (fractional tokens)', poisoned: sampleEntry(2, { inputTokens: 1.5 }), message: 'column input_tokens cannot hold 1.5' },
  ])('drops and reports an entry refused $refused, and lands the rest of its batch, totals included', async ({ poisoned, message }) => {
    const onError = vi.fn();
    const ledger = open({ onError, batchSize: 10 });
    ledger.record(sampleEntry(1));
    ledger.record(poisoned);
    ledger.record(sampleEntry(3));
    await ledger.flush();
    expect((await ledger.query()).map((entry) => entry.requestId)).toEqual(['req-3', 'req-1']);
    expect(onError).toHaveBeenCalledTimes(1);
    const [error] = onError.mock.calls[0];
    expect(error).toBeInstanceOf(LedgerEntryRejectedError);
    expect(error.requestId).toBe('req-2');
    expect(String(error.message)).toContain(message);
    expect(await ledger.spend({ groupBy: [] })).toMatchObject([{ requests: 2 }]);
  });

  it('drops, as it is recorded, an entry whose attempts cannot be JSON', async () => {
    const onError = vi.fn();
    const ledger = open({ onError });
    const cyclic = sampleEntry(1);
    (cyclic.attempts[0] as unknown as { self: unknown }).self = cyclic.attempts;
    expect(ledger.record(cyclic)).toBeUndefined();
    ledger.record(sampleEntry(2));
    expect(await ledger.count()).toBe(1);
    expect(onError).toHaveBeenCalledWith(expect.any(LedgerEntryRejectedError));
  });

  it('never counts a row twice in the totals, however often its batch is written', async () => {
    const schema = freshSchema();
    const ledger = open({ schema, timeZone: 'UTC' });
    await ledger.count();
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
    cleanup.push(() => pool.end());
    const write = createBatchWriter(pool, ledgerTables(schema), 'UTC').write;
    const batch = { writer: '00000000-0000-4000-8000-000000000001', rows: [toPgRow(0, sampleEntry(1, { costUsd: 1 })), toPgRow(1, sampleEntry(2, { costUsd: 2 }))] };
    await write(batch);
    await write(batch);
    // One row new, one already in: only the new one is added.
    await write({ ...batch, rows: [batch.rows[1], toPgRow(2, sampleEntry(3, { costUsd: 4 }))] });
    expect(await requestIds(schema)).toEqual(['req-1', 'req-2', 'req-3']);
    expect(await ledger.spend({ groupBy: [] })).toMatchObject([{ requests: 3, costUsd: 7 }]);
  });

  it('lets two writers share a schema: each keeps its rows, totals add up, and same-millisecond ties put the later writer first', async () => {
    const schema = freshSchema();
    let clock = 1_000;
    const first = open({ schema, batchSize: 7, flushIntervalMs: 1, now: () => clock });
    clock = 2_000;
    const second = open({ schema, batchSize: 5, flushIntervalMs: 1, now: () => clock });
    for (let index = 0; index < 400; index += 1) {
      first.record(sampleEntry(index, { requestId: `a-${index}`, timestamp: 5, costUsd: 0.5 }));
      second.record(sampleEntry(index, { requestId: `b-${index}`, timestamp: 5, costUsd: 0.25 }));
    }
    await Promise.all([first.flush(), second.flush()]);
    expect(await first.count()).toBe(800);
    expect((await first.query({ limit: 2 })).map((entry) => entry.requestId)).toEqual(['b-399', 'b-398']);
    expect((await first.query()).at(-1)?.requestId).toBe('a-0');
    expect(await second.spend({ groupBy: [] })).toMatchObject([{ requests: 800, costUsd: 300 }]);
  });

  describe('retention', () => {
    const now = Date.parse('2024-06-30T12:00:00Z');

    it('deletes raw rows older than retentionDays and keeps the daily totals', async () => {
      const schema = freshSchema();
      // No background pruning: the counts below are this prune's alone.
      const ledger = open({ schema, retentionDays: 7, retentionIntervalMs: 0, now: () => now });
      ledger.record(sampleEntry(1, { timestamp: now - 30 * DAY, costUsd: 1 }));
      ledger.record(sampleEntry(2, { timestamp: now - 7 * DAY - 1, costUsd: 2 }));
      ledger.record(sampleEntry(3, { timestamp: now - 7 * DAY, costUsd: 4 }));
      ledger.record(sampleEntry(4, { timestamp: now, costUsd: 8 }));
      expect(await ledger.prune()).toBe(2);
      expect((await ledger.query()).map((entry) => entry.requestId)).toEqual(['req-4', 'req-3']);
      expect(await ledger.spend({ groupBy: ['day'] })).toMatchObject([
        { day: '2024-06-30', costUsd: 8 },
        { day: '2024-06-23', requests: 2, costUsd: 6 },
        { day: '2024-05-31', costUsd: 1 },
      ]);
      expect(await ledger.prune()).toBe(0);
    });

    it('deletes in chunks until nothing old is left', async () => {
      const schema = freshSchema();
      const ledger = open({ schema, retentionDays: 1, retentionIntervalMs: 0, now: () => now, batchSize: 1_000 });
      for (let index = 0; index < 25_000; index += 1) ledger.record(sampleEntry(index, { timestamp: now - 2 * DAY }));
      ledger.record(sampleEntry(99_999, { timestamp: now }));
      expect(await ledger.prune()).toBe(25_000);
      expect(await ledger.count()).toBe(1);
    });

    it('runs in the background, at start and then every interval', async () => {
      const schema = freshSchema();
      let clock = now;
      const ledger = open({ schema, retentionDays: 1, retentionIntervalMs: 20, now: () => clock });
      ledger.record(sampleEntry(1, { timestamp: now }));
      await ledger.flush();
      expect(await rowCount(schema)).toBe(1);
      clock = now + 2 * DAY;
      await vi.waitFor(async () => expect(await rowCount(schema)).toBe(0));
      expect(await ledger.spend({ groupBy: [] })).toMatchObject([{ requests: 1 }]);
    });

    it('keeps everything without retentionDays, and refuses a retention that is not positive', async () => {
      const ledger = open({ now: () => now });
      ledger.record(sampleEntry(1, { timestamp: 0 }));
      expect(await ledger.prune()).toBe(0);
      expect(await ledger.count()).toBe(1);
      expect(() => createPostgresLedger({ url: POSTGRES_URL, spoolPath: freshSpool(), retentionDays: 0 })).toThrow(RangeError);
    });
  });

  it('refuses an unknown time zone at once', () => {
    expect(() => createPostgresLedger({ url: POSTGRES_URL, spoolPath: freshSpool(), timeZone: 'Mars/Olympus' })).toThrow(/unknown time zone/);
  });
});
