/**
 * The PostgreSQL ledger when PostgreSQL is not there: the ledger reaches the shared server
 * through a TCP relay that the test can freeze (the server stops answering mid-connection) or
 * close (connections refused), so the server itself keeps serving everyone else. Nothing may
 * hang, every entry must be spooled, and once PostgreSQL answers again every entry must be in
 * the table exactly once, with the daily totals right. Also: a restarted process replays what
 * the last one spooled, a replayed row that had already landed adds nothing, and a SIGKILL
 * loses only what had not been flushed.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { toPgRow } from '../../src/ledger/postgres/rows';
import { ledgerTables } from '../../src/ledger/postgres/schema';
import { openSpool } from '../../src/ledger/postgres/spool';
import { createBatchWriter } from '../../src/ledger/postgres/write-batch';
import type { LedgerEntry } from '../../src/ledger/types';
import { sampleEntry } from '../conformance/ledger.suite';
import { settlesWithin } from '../support/until';
import { createTcpRelay } from '../support/tcp-relay';
import { POSTGRES_URL, postgresLedgerFixtures } from './postgres-fixtures';

const { cleanup, freshSchema, freshSpool, open, rowCount, requestIds, spooled } = postgresLedgerFixtures('outage');

/** Short timeouts, so the test waits out a silent server in well under a second. */
const FAST = { connectTimeoutMs: 200, statementTimeoutMs: 200, retryIntervalMs: 20, flushIntervalMs: 5 };
/** A backstop against hanging, far above what the timeouts allow; never a timing assertion. */
const BACKSTOP_MS = 8_000;

/** A relay in front of the shared server, and the URL that goes through it. */
async function relayed() {
  const target = new URL(POSTGRES_URL);
  const relay = createTcpRelay({ host: target.hostname, port: Number(target.port || 5432) });
  const port = await relay.listen();
  cleanup.push(() => relay.close());
  const url = new URL(POSTGRES_URL);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { relay, port, url: url.toString() };
}

const entries = (from: number, count: number): LedgerEntry[] => Array.from({ length: count }, (_, index) => sampleEntry(from + index, { costUsd: 0.5 }));
const idsOf = (list: LedgerEntry[]): string[] => list.map((entry) => entry.requestId).sort();

describe('postgres ledger outages', () => {
  it('spools while the server stops answering, never hangs, and lands every entry exactly once when it answers again', async () => {
    const { relay, url } = await relayed();
    const schema = freshSchema();
    const spoolPath = freshSpool();
    const onError = vi.fn();
    const ledger = open({ url, schema, spoolPath, onError, ...FAST });
    const before = entries(0, 20);
    before.forEach((entry) => ledger.record(entry));
    await ledger.flush();
    expect(await rowCount(schema)).toBe(20);

    relay.freeze();
    const during = entries(20, 100);
    for (const entry of during) expect(ledger.record(entry)).toBeUndefined();
    await settlesWithin(ledger.flush(), BACKSTOP_MS, 'flush while the server is silent');
    expect(idsOf(during)).toEqual(spooled(spoolPath).flatMap((batch) => batch.rows.map((row) => String(row[1]))).sort());
    // Reads refuse rather than answer without the spooled entries, and do not hang either.
    await expect(settlesWithin(ledger.count(), BACKSTOP_MS, 'count while the server is silent')).rejects.toThrow(/timeout|terminated/i);
    expect(await rowCount(schema)).toBe(20);
    expect(onError).toHaveBeenCalled();

    relay.thaw();
    expect(await ledger.count()).toBe(120);
    expect(await requestIds(schema)).toEqual(idsOf([...before, ...during]));
    expect(await ledger.spend({ groupBy: ['key', 'day'] })).toEqual([
      { key: 'team-a', day: '2023-11-14', requests: 120, errors: 0, inputTokens: 120 * 1200, outputTokens: 120 * 340, costUsd: 60 },
    ]);
    expect(spooled(spoolPath)).toEqual([]);
  });

  it('spools at once while connections are refused, and replays in the background when they are taken again', async () => {
    const { relay, port, url } = await relayed();
    const schema = freshSchema();
    const spoolPath = freshSpool();
    const ledger = open({ url, schema, spoolPath, ...FAST });
    ledger.record(sampleEntry(0));
    await ledger.flush();

    await relay.close();
    const during = entries(1, 50);
    during.forEach((entry) => ledger.record(entry));
    await settlesWithin(ledger.flush(), BACKSTOP_MS, 'flush while refused');
    expect(spooled(spoolPath).flatMap((batch) => batch.rows)).toHaveLength(50);
    await expect(ledger.spend({ groupBy: [] })).rejects.toThrow();

    await relay.listen(port);
    // No read needed: the retry timer finds the server and replays.
    await vi.waitFor(async () => expect(await rowCount(schema)).toBe(51), { timeout: BACKSTOP_MS });
    await vi.waitFor(() => expect(spooled(spoolPath)).toEqual([]));
    expect(await ledger.spend({ groupBy: [] })).toMatchObject([{ requests: 51 }]);
    // Writes go straight to the server again.
    ledger.record(sampleEntry(99));
    await ledger.flush();
    expect(spooled(spoolPath)).toEqual([]);
    expect(await rowCount(schema)).toBe(52);
  });

  it('closes promptly while the server is silent, leaving the entries spooled; a new process replays them', async () => {
    const { relay, url } = await relayed();
    const schema = freshSchema();
    const spoolPath = freshSpool();
    const first = open({ url, schema, spoolPath, ...FAST });
    first.record(sampleEntry(0));
    await first.flush();
    relay.freeze();
    const left = entries(1, 30);
    left.forEach((entry) => first.record(entry));
    await settlesWithin(first.close(), BACKSTOP_MS, 'close while the server is silent');
    expect(spooled(spoolPath).flatMap((batch) => batch.rows)).toHaveLength(30);

    // The next process, on the same spool, with the server back.
    relay.thaw();
    open({ url: POSTGRES_URL, schema, spoolPath, ...FAST });
    await vi.waitFor(async () => expect(await rowCount(schema)).toBe(31), { timeout: BACKSTOP_MS });
    expect(await requestIds(schema)).toEqual(idsOf([sampleEntry(0), ...left]));
    await vi.waitFor(() => expect(spooled(spoolPath)).toEqual([]));
  });

  it('a replayed batch whose rows had already landed (the commit answered, the answer lost) adds nothing', async () => {
    const schema = freshSchema();
    const spoolPath = freshSpool();
    await open({ schema }).count();
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
    cleanup.push(() => pool.end());
    const batch = { writer: '00000000-0000-4000-8000-0000000000aa', rows: entries(0, 10).map((entry, seq) => toPgRow(seq, entry)) };
    await createBatchWriter(pool, ledgerTables(schema), 'UTC').write(batch);
    await openSpool(spoolPath, () => undefined).append(batch);

    const ledger = open({ schema, spoolPath, ...FAST });
    expect(await ledger.count()).toBe(10);
    expect(await ledger.spend({ groupBy: [] })).toMatchObject([{ requests: 10, costUsd: 5 }]);
    expect(spooled(spoolPath)).toEqual([]);
  });

  it.each([
    { where: 'in PostgreSQL', refused: false },
    { where: 'in the spool, PostgreSQL refusing connections', refused: true },
  ])('a SIGKILL loses only what was not flushed: flushed entries survive $where', async ({ refused }) => {
    const { relay, url } = await relayed();
    if (refused) await relay.close();
    const schema = freshSchema();
    const spoolPath = freshSpool();
    const fixture = fileURLToPath(new URL('./fixtures/record-then-hang.ts', import.meta.url));
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, url, schema, spoolPath, '100'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanup.push(() => child.exitCode === null && child.kill('SIGKILL'));
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    await vi.waitFor(() => expect(output).toContain('recorded'), { timeout: 15_000 });
    child.kill('SIGKILL');
    await once(child, 'exit');

    const ledger = open({ schema, spoolPath, ...FAST });
    expect(await ledger.count()).toBe(100);
    expect((await ledger.query()).map((entry) => entry.requestId).sort()).toEqual(idsOf(entries(0, 100)));
    expect(spooled(spoolPath)).toEqual([]);
  });
});
