/**
 * `node --import tsx bench/ledger-reports.ts [rows]`: spend reports over a ledger of 10 M
 * requests (or `rows`) spread over 90 days, in PostgreSQL (a scratch schema, dropped at the
 * end) and in SQLite (a temporary file, removed at the end), each asked through its ledger's
 * own `spend`. The rows are made in SQL (generate_series, a recursive CTE) with the stores'
 * own schemas, and the daily totals built from them with the same aggregation the writers use.
 * Also: how fast each ledger writes batches (entries recorded and flushed per second), and a
 * report worked out from the raw rows, to show what the totals save.
 *
 * The shape: 500 keys in 25 teams, each key on 3 of 12 routes, 3 deployments per route, 10
 * models; 7 % errors. That makes about 4,500 groups a day, so some 400 k rows of totals.
 * PostgreSQL: `POSTGRES_URL` (default the local test server). Medians of five runs after a warm-up.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { calendarDayIn } from '../src/ledger/calendar-day';
import { createPostgresLedger } from '../src/ledger/postgres/postgres-ledger';
import { ledgerTables, migrate as migratePostgres } from '../src/ledger/postgres/schema';
import type { SpendQuery, SpendReport } from '../src/ledger/reports';
import { createSqliteLedger } from '../src/ledger/sqlite/sqlite-ledger';
import { ADD_TO_DAILY_TOTALS, migrate as migrateSqlite } from '../src/ledger/sqlite/schema';
import type { Ledger } from '../src/ledger/types';
import { sampleEntry } from '../test/conformance/ledger.suite';

const ROWS = Number(process.argv[2] ?? 10_000_000);
const CHUNK = 1_000_000;
const DAY = 86_400_000;
const DAYS = 90;
const END = Date.parse('2026-11-30T00:00:00Z');
const START = END - DAYS * DAY;
const URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ATTEMPTS = JSON.stringify([{ deployment: 'dep-0', outcome: 'success', upstreamStatus: 200, latencyMs: 412.5, inputTokens: 1200, outputTokens: 340, costUsd: 0.0064 }]);

/**
 * Row `g` (1-based) of the synthetic ledger, as SQL over an integer `g` that both stores
 * evaluate alike (64-bit integer arithmetic). `h` spreads rows over keys pseudo-randomly.
 */
function rowSql(g: string, text: (sql: string) => string): Record<string, string> {
  const h = `((${g} * 48271) % 2147483647)`;
  const key = `(${h} % 500)`;
  const route = `((${key} * 7 + ${g} % 3) % 12)`;
  const deployment = `(${route} * 3 + (${h} / 500) % 3)`;
  return {
    request_id: `'req-' || ${text(g)}`,
    ts: `(${START} + (${g} - 1) * ${DAYS * DAY} / ${ROWS})`,
    principal: `'key-' || ${text(key)}`,
    team: `'team-' || ${text(`(${key} % 25)`)}`,
    route: `'route-' || ${text(route)}`,
    ingress: `'openai'`,
    endpoint: `'chat'`,
    deployment: `'dep-' || ${text(deployment)}`,
    model: `'model-' || ${text(`(${deployment} % 10)`)}`,
    attempts: `'${ATTEMPTS}'`,
    input_tokens: `(100 + ${h} % 2000)`,
    output_tokens: `(10 + (${h} / 7) % 500)`,
    cached_input_tokens: '0',
    reasoning_tokens: '0',
    cost_usd: `((100 + ${h} % 2000) * 0.0000025 + (10 + (${h} / 7) % 500) * 0.00001)`,
    latency_ms: `(200 + ${h} % 800)`,
    status: `(CASE WHEN ${h} % 20 = 0 THEN 503 WHEN ${h} % 50 = 1 THEN 429 ELSE 200 END)`,
  };
}

const REPORTS: Array<[string, SpendQuery]> = [
  ['by key, one month', { groupBy: ['key'], since: '2026-10-01', until: '2026-10-31' }],
  ['by day, all 90 days', { groupBy: ['day'] }],
  ['by model, all', { groupBy: ['model'] }],
  ['by team and route, all', { groupBy: ['team', 'route'] }],
  ['one key by day, all', { groupBy: ['day'], filter: { key: 'key-42' } }],
  ['top 10 keys by deployment, one week', { groupBy: ['key', 'deployment'], since: '2026-11-23', until: '2026-11-29', limit: 10 }],
];

const seconds = (since: bigint): string => `${(Number(process.hrtime.bigint() - since) / 1e9).toFixed(1)} s`;
const log = (message: string): void => void process.stderr.write(`${message}\n`);

async function timed<T>(run: () => Promise<T>): Promise<{ median: number; max: number; result: T }> {
  let result = await run();
  const times: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const start = process.hrtime.bigint();
    result = await run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: times[2], max: times[4], result };
}

async function fillPostgres(pool: pg.Pool, schema: string): Promise<{ totals: number; bytes: number }> {
  const tables = ledgerTables(schema);
  const client = await pool.connect();
  try {
    await migratePostgres(client, schema);
    // A scratch table: no WAL for the fill, and indexes built once at the end, as a bulk load would.
    await client.query(`ALTER TABLE ${tables.requests} SET UNLOGGED`);
    await client.query(`ALTER TABLE ${tables.dailyTotals} SET UNLOGGED`);
    await client.query(`DROP INDEX ${tables.schema}.ledger_requests_ts, ${tables.schema}.ledger_requests_route_ts, ${tables.schema}.ledger_requests_request_id`);
    const row = rowSql('g', (sql) => `${sql}::text`);
    for (let from = 1; from <= ROWS; from += CHUNK) {
      const start = process.hrtime.bigint();
      const to = Math.min(ROWS, from + CHUNK - 1);
      await client.query(
        `INSERT INTO ${tables.requests} (writer, seq, stream, ${Object.keys(row).join(', ')})
         SELECT '00000000-0000-4000-8000-000000000000', g, true, ${Object.values(row).join(', ')} FROM generate_series(${from}::bigint, ${to}::bigint) AS g`,
      );
      log(`  postgres rows ${from}-${to} in ${seconds(start)}`);
    }
    let start = process.hrtime.bigint();
    await client.query(`CREATE INDEX ledger_requests_ts ON ${tables.requests} (ts, writer, seq)`);
    await client.query(`CREATE INDEX ledger_requests_route_ts ON ${tables.requests} (route, ts)`);
    await client.query(`CREATE INDEX ledger_requests_request_id ON ${tables.requests} (request_id)`);
    log(`  postgres indexes in ${seconds(start)}`);
    start = process.hrtime.bigint();
    // The writer's aggregation (write-batch.ts), over every row at once.
    await client.query(`
      INSERT INTO ${tables.dailyTotals} (day, principal, team, route, deployment, model, requests, errors, input_tokens, output_tokens, cost_usd)
      SELECT (to_timestamp(ts / 1000.0) AT TIME ZONE 'UTC')::date, COALESCE(principal, ''), COALESCE(team, ''), route, COALESCE(deployment, ''), COALESCE(model, ''),
             COUNT(*), COUNT(*) FILTER (WHERE status >= 400), SUM(input_tokens), SUM(output_tokens), SUM(cost_usd)
      FROM ${tables.requests} GROUP BY 1, 2, 3, 4, 5, 6`);
    await client.query(`ANALYZE ${tables.requests}`);
    await client.query(`ANALYZE ${tables.dailyTotals}`);
    log(`  postgres daily totals in ${seconds(start)}`);
    const { rows } = await client.query<{ totals: string; bytes: string }>(
      `SELECT (SELECT COUNT(*) FROM ${tables.dailyTotals}) AS totals, pg_total_relation_size('${tables.requests}') + pg_total_relation_size('${tables.dailyTotals}') AS bytes`,
    );
    return { totals: Number(rows[0].totals), bytes: Number(rows[0].bytes) };
  } finally {
    client.release();
  }
}

function fillSqlite(path: string): { totals: number } {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const dayOf = calendarDayIn('UTC');
    db.function('ledger_day', { deterministic: true }, (timestamp) => dayOf(Number(timestamp)) ?? null);
    migrateSqlite(db);
    db.exec('DROP INDEX requests_request_id; DROP INDEX requests_ts; DROP INDEX requests_route_ts;');
    const row = rowSql('x', (sql) => sql);
    const insert = db.prepare(
      `WITH RECURSIVE g(x) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT x + 1 FROM g WHERE x < ?)
       INSERT INTO requests (stream, ${Object.keys(row).join(', ')}) SELECT 1, ${Object.values(row).join(', ')} FROM g`,
    );
    for (let from = 1; from <= ROWS; from += CHUNK) {
      const start = process.hrtime.bigint();
      const to = Math.min(ROWS, from + CHUNK - 1);
      insert.run(from, to);
      log(`  sqlite rows ${from}-${to} in ${seconds(start)}`);
    }
    let start = process.hrtime.bigint();
    db.exec('CREATE INDEX requests_request_id ON requests (request_id); CREATE INDEX requests_ts ON requests (ts); CREATE INDEX requests_route_ts ON requests (route, ts);');
    log(`  sqlite indexes in ${seconds(start)}`);
    start = process.hrtime.bigint();
    // The worker's own statement, over every row at once.
    db.prepare(ADD_TO_DAILY_TOTALS).run(Number.MIN_SAFE_INTEGER);
    db.exec('ANALYZE');
    log(`  sqlite daily totals in ${seconds(start)}`);
    return { totals: db.prepare('SELECT COUNT(*) FROM daily_totals').pluck().get() as number };
  } finally {
    db.close();
  }
}

/** Entries recorded and written per second, through the ledger itself: bursts of 10,000 (within its buffer's bound), each flushed. */
async function writeRate(ledger: Ledger, count: number): Promise<number> {
  const entries = Array.from({ length: count }, (_, index) => sampleEntry(index, { principal: `key-${index % 500}`, timestamp: END - DAY + index }));
  const start = process.hrtime.bigint();
  for (let from = 0; from < count; from += 10_000) {
    for (const entry of entries.slice(from, from + 10_000)) ledger.record(entry);
    await ledger.flush();
  }
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function main(): Promise<void> {
  const schema = `jt_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const directory = mkdtempSync(join(tmpdir(), 'junction-ledger-bench-'));
  const pool = new pg.Pool({ connectionString: URL, max: 2 });
  const sqlitePath = join(directory, 'ledger.db');
  let interrupted = false;
  const onSignal = (): void => void (interrupted = true);
  process.once('SIGINT', onSignal);
  const ledgers: Array<Ledger & SpendReport> = [];
  try {
    log(`filling ${ROWS.toLocaleString('en-US')} rows over ${DAYS} days`);
    let start = process.hrtime.bigint();
    const postgres = await fillPostgres(pool, schema);
    const postgresFill = seconds(start);
    if (interrupted) return;
    start = process.hrtime.bigint();
    const sqlite = fillSqlite(sqlitePath);
    const sqliteFill = seconds(start);
    if (interrupted) return;

    const postgresLedger = createPostgresLedger({ url: URL, schema, spoolPath: join(directory, 'spool'), onError: (error) => log(`postgres ledger: ${String(error)}`) });
    const sqliteLedger = createSqliteLedger({ path: sqlitePath, onError: (error) => log(`sqlite ledger: ${String(error)}`) });
    ledgers.push(postgresLedger, sqliteLedger);

    const lines: string[] = [];
    lines.push(`Ledger reports over ${ROWS.toLocaleString('en-US')} requests in ${DAYS} days (median of 5 after a warm-up, max in brackets)`);
    lines.push(`  PostgreSQL: filled in ${postgresFill}, ${postgres.totals.toLocaleString('en-US')} rows of daily totals, ${(postgres.bytes / 2 ** 30).toFixed(2)} GiB`);
    lines.push(`  SQLite:     filled in ${sqliteFill}, ${sqlite.totals.toLocaleString('en-US')} rows of daily totals, ${(statSync(sqlitePath).size / 2 ** 30).toFixed(2)} GiB`);
    lines.push('');
    lines.push(`| ${'report'.padEnd(38)} | ${'groups'.padStart(6)} | ${'PostgreSQL'.padStart(18)} | ${'SQLite'.padStart(18)} |`);
    lines.push(`| ${'-'.repeat(38)} | ${'-'.repeat(6)} | ${'-'.repeat(18)} | ${'-'.repeat(18)} |`);
    const cell = ({ median, max }: { median: number; max: number }): string => `${median.toFixed(1)} ms (${max.toFixed(1)})`.padStart(18);
    for (const [name, query] of REPORTS) {
      if (interrupted) return;
      const inPostgres = await timed(() => postgresLedger.spend(query));
      const inSqlite = await timed(() => sqliteLedger.spend(query));
      // Float sums may differ in their last bits between the stores, and so may the order of near ties: compare counts.
      const requests = (rows: Array<{ requests: number }>): number => rows.reduce((sum, row) => sum + row.requests, 0);
      if (inPostgres.result.length !== inSqlite.result.length || requests(inPostgres.result) !== requests(inSqlite.result)) {
        throw new Error(`the stores disagree on ${name}: ${JSON.stringify(inPostgres.result.slice(0, 3))} ${JSON.stringify(inSqlite.result.slice(0, 3))} ${inPostgres.result.length} ${inSqlite.result.length}`);
      }
      lines.push(`| ${name.padEnd(38)} | ${String(inPostgres.result.length).padStart(6)} | ${cell(inPostgres)} | ${cell(inSqlite)} |`);
    }

    // The same report as "by model, all", straight from the raw rows: what the totals save.
    const tables = ledgerTables(schema);
    const rawPostgres = await timed(() => pool.query(`SELECT model, COUNT(*), SUM(cost_usd) FROM ${tables.requests} GROUP BY model ORDER BY 3 DESC`));
    const raw = new Database(sqlitePath, { readonly: true });
    const rawSqlite = await timed(async () => raw.prepare('SELECT model, COUNT(*), SUM(cost_usd) FROM requests GROUP BY model ORDER BY 3 DESC').all());
    raw.close();
    lines.push(`| ${'(by model from raw rows, no totals)'.padEnd(38)} | ${String(rawPostgres.result.rows.length).padStart(6)} | ${cell(rawPostgres)} | ${cell(rawSqlite)} |`);

    lines.push('');
    const writes = 200_000;
    lines.push(`Write rate through the ledger (${writes.toLocaleString('en-US')} entries recorded, then flushed, into the filled stores):`);
    lines.push(`  PostgreSQL: ${Math.round(await writeRate(postgresLedger, writes)).toLocaleString('en-US')} entries/s (batches of 500, totals included)`);
    lines.push(`  SQLite:     ${Math.round(await writeRate(sqliteLedger, writes)).toLocaleString('en-US')} entries/s (batches of 128, totals included)`);
    console.log(lines.join('\n'));
  } finally {
    for (const ledger of ledgers) await ledger.close().catch((error: unknown) => log(String(error)));
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch((error: unknown) => log(`could not drop ${schema}: ${String(error)}`));
    await pool.end();
    rmSync(directory, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
  }
}

await main();
