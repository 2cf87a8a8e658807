/**
 * The SQLite ledger's worker thread: acknowledgement, shutdown, content rejections and a
 * database that refuses writes. The port's contract itself is in the conformance suite.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { LedgerEntryRejectedError } from '../../src/ledger/errors';
import { startLedgerWorker } from '../../src/ledger/sqlite/ledger-worker-client';
import { encodeRow, joinRows } from '../../src/ledger/sqlite/row-codec.mjs';
import { ADD_TO_DAILY_TOTALS, fromRow, INSERT_ENTRY, migrate, toRowValues, type RequestRow } from '../../src/ledger/sqlite/schema';
import type { LedgerEntry } from '../../src/ledger/types';
import { sampleEntry } from '../conformance/ledger.suite';
import { sqliteLedgerFixtures } from './sqlite-fixtures';

const { freshPath, cleanup, open, observe, rowsOnDisk } = sqliteLedgerFixtures('junction-ledger-worker-');

const entriesOnDisk = (db: Database.Database): LedgerEntry[] =>
  (db.prepare('SELECT * FROM requests ORDER BY rowid').all() as RequestRow[]).map(fromRow);

describe('sqlite ledger worker', () => {
  it('resolves flush only once its rows are readable from another connection', async () => {
    const path = freshPath();
    const ledger = open({ path, batchSize: 64, flushIntervalMs: 60_000 });
    const disk = observe(path);
    for (let index = 0; index < 300; index += 1) ledger.record(sampleEntry(index));
    // Read in the very callback that sees the flush resolve: no later turn could help it.
    const seen = await ledger.flush().then(() => rowsOnDisk(disk));
    expect(seen).toBe(300);
  });

  it('close lands every row of a long backlog, in order, and ends the thread', async () => {
    const path = freshPath();
    const ledger = open({ path, batchSize: 64, flushIntervalMs: 60_000 });
    const entries = Array.from({ length: 2_000 }, (_, index) => sampleEntry(index));
    for (const entry of entries) ledger.record(entry);
    await ledger.close();
    expect(entriesOnDisk(observe(path))).toStrictEqual(entries);
    // The worker's connection is gone: another one can take the write lock at once.
    const writer = new Database(path, { timeout: 0 });
    cleanup.push(() => writer.close());
    expect(() => writer.exec('BEGIN IMMEDIATE; ROLLBACK')).not.toThrow();
  });

  it('lands every row when SIGTERM makes the process close the ledger, and the process then ends by itself', async () => {
    const path = freshPath();
    const fixture = fileURLToPath(new URL('./fixtures/close-on-sigterm.ts', import.meta.url));
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, path, '1000'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanup.push(() => child.exitCode === null && child.kill('SIGKILL'));
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    await vi.waitFor(() => expect(output).toContain('ready'), { timeout: 15_000 });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect({ code, output }).toEqual({ code: 0, output: 'ready\nclosed\n' });
    expect(rowsOnDisk(observe(path))).toBe(1_000);
  });

  describe('drops an entry refused for its content, reports it, and keeps the rest', () => {
    const cyclic = (): LedgerEntry => {
      const entry = sampleEntry(2);
      (entry.attempts[0] as unknown as { self: unknown }).self = entry.attempts;
      return entry;
    };
    it.each([
      // Refused by SQLite in the worker: NaN binds as NULL into a NOT NULL column.
      ['a NaN cost', () => ({ ...sampleEntry(2), costUsd: Number.NaN }), /NOT NULL/],
      // Refused on the main thread: it cannot be turned into a row.
      ['a cyclic attempt list', cyclic, /circular/],
      // Refused on the main thread: structured clone cannot carry it to the worker.
      ['a function for a field', () => ({ ...sampleEntry(2), principal: (() => 'team') as unknown as string }), /principal/],
      ['a boolean for a text field', () => ({ ...sampleEntry(2), route: true as unknown as string }), /route/],
    ])('%s', async (_label, poisoned, reason) => {
      const onError = vi.fn();
      const ledger = open({ path: freshPath(), onError });
      ledger.record(sampleEntry(1));
      expect(() => ledger.record(poisoned())).not.toThrow();
      ledger.record(sampleEntry(3));
      await ledger.flush();
      expect(await ledger.query()).toStrictEqual([sampleEntry(3), sampleEntry(1)]);
      expect(onError).toHaveBeenCalledTimes(1);
      const [error] = onError.mock.calls[0];
      expect(error).toBeInstanceOf(LedgerEntryRejectedError);
      expect(error).toMatchObject({ requestId: 'req-2', message: expect.stringMatching(reason) });
    });
  });

  it('while another connection holds the write lock, flush rejects and every entry waits until it is released', async () => {
    const path = freshPath();
    const onError = vi.fn();
    const ledger = open({ path, batchSize: 16, flushIntervalMs: 60_000, onError });
    const disk = observe(path);
    const locker = new Database(path);
    cleanup.push(() => locker.open && locker.close());
    locker.exec('BEGIN IMMEDIATE');

    const entries = Array.from({ length: 100 }, (_, index) => sampleEntry(index));
    for (const entry of entries.slice(0, 50)) ledger.record(entry);
    await expect(ledger.flush()).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    for (const entry of entries.slice(50)) ledger.record(entry);
    await expect(ledger.flush()).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    await expect(ledger.count()).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(rowsOnDisk(disk)).toBe(0);

    locker.exec('ROLLBACK');
    await ledger.flush();
    expect(entriesOnDisk(disk)).toStrictEqual(entries);
    expect(onError.mock.calls.filter(([error]) => error instanceof LedgerEntryRejectedError)).toEqual([]);
  });
});

describe('ledger worker client', () => {
  it('rejects requests to a thread that cannot open its database with its reason, and tries a new thread for the next', async () => {
    const worker = startLedgerWorker({ source: ':memory:', pragmas: [], insertSql: 'INSERT INTO missing VALUES (1)', totalsSql: ADD_TO_DAILY_TOTALS, timeZone: 'UTC' });
    cleanup.push(() => worker.stop());
    await expect(worker.request({ op: 'read', sql: 'SELECT 1 AS one', params: [] })).rejects.toMatchObject({
      code: 'SQLITE_ERROR',
      message: expect.stringMatching(/no such table: missing/),
    });
    await expect(worker.request({ op: 'read', sql: 'SELECT 1 AS one', params: [] })).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
  });

  it('answers requests in order, and refuses them after stop', async () => {
    const worker = startLedgerWorker({ source: freshPathWithSchema(), pragmas: [], insertSql: INSERT_ENTRY, totalsSql: ADD_TO_DAILY_TOTALS, timeZone: 'UTC' });
    const wrote = worker.request({ op: 'write', rows: joinRows([encodeRow(toRowValues(sampleEntry(1))), encodeRow(toRowValues(sampleEntry(2)))]) });
    const read = worker.request({ op: 'read', sql: 'SELECT COUNT(*) AS count FROM requests', params: [] });
    await expect(Promise.all([wrote, read])).resolves.toEqual([[], [{ count: 2 }]]);
    await worker.stop();
    await expect(worker.request({ op: 'read', sql: 'SELECT 1', params: [] })).rejects.toThrow(/stopped/);
  });
});

/** A file with the ledger's schema. */
function freshPathWithSchema(): string {
  const path = freshPath();
  const db = new Database(path);
  migrate(db);
  db.close();
  return path;
}
