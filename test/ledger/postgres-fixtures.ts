/**
 * What the PostgreSQL ledger tests share: the real server, a schema of their own per ledger
 * (dropped after the file's tests), spool files in a temporary directory, and ledgers closed
 * after each test. Other test runs use the same server at the same time: nothing here touches
 * anything outside the schemas it made.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach } from 'vitest';
import { createPostgresLedger, type PostgresLedger, type PostgresLedgerOptions } from '../../src/ledger/postgres/postgres-ledger';
import type { RowBatch } from '../../src/ledger/postgres/write-batch';

export const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Call at the top of a test file: registers its own clean-up hooks. */
export function postgresLedgerFixtures(prefix: string) {
  const directory = mkdtempSync(join(tmpdir(), `junction-${prefix}-`));
  const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
  const schemas: string[] = [];
  let spools = 0;
  const cleanup: Array<() => unknown> = [];

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(async () => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
    rmSync(directory, { recursive: true, force: true });
  });

  const fixtures = {
    admin,
    /** Run `step` after the current test, before what was opened earlier is closed. */
    cleanup,
    freshSchema(): string {
      const schema = `jt_${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      schemas.push(schema);
      return schema;
    },
    freshSpool: (): string => join(directory, `spool-${(spools += 1)}`, 'ledger.spool'),
    /** A ledger in a fresh schema (unless one is given), closed after the test. */
    open(options: Partial<PostgresLedgerOptions> = {}): PostgresLedger {
      const ledger = createPostgresLedger({ url: POSTGRES_URL, schema: fixtures.freshSchema(), spoolPath: fixtures.freshSpool(), onError: () => undefined, ...options });
      cleanup.push(() => ledger.close().catch(() => undefined));
      return ledger;
    },
    async rowCount(schema: string): Promise<number> {
      const { rows } = await admin.query<{ count: string }>(`SELECT COUNT(*) AS count FROM "${schema}".ledger_requests`);
      return Number(rows[0].count);
    },
    /** Request ids in the table, and whether any (writer, seq) key is there twice (it cannot be: the key is primary). */
    async requestIds(schema: string): Promise<string[]> {
      const { rows } = await admin.query<{ request_id: string }>(`SELECT request_id FROM "${schema}".ledger_requests ORDER BY request_id`);
      return rows.map((row) => row.request_id);
    },
    /** The batches in a spool file and its file aside, as lines of JSON. */
    spooled(path: string): RowBatch[] {
      return [`${path}.replaying`, path]
        .filter((file) => existsSync(file))
        .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as RowBatch);
    },
  };
  return fixtures;
}
