/**
 * Schema creation raced by several creators at once, on the real server: each on a connection
 * of its own, as replicas starting together are. Plain `CREATE SCHEMA IF NOT EXISTS` loses that
 * race (a unique violation in pg_namespace); the ledger's and the access store's migrations,
 * which both go through createSchemaIfMissing, must not.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate as migrateAccess } from '../../src/access/store/postgres/schema';
import { createSchemaIfMissing } from '../../src/ledger/postgres/create-schema';
import { migrate as migrateLedger } from '../../src/ledger/postgres/schema';
import { POSTGRES_URL } from './postgres-fixtures';

const FILE_SCHEMA = `jt_${randomBytes(6).toString('hex')}`;
let schemas = 0;
const freshSchema = () => `${FILE_SCHEMA}_${(schemas += 1)}`;
const CREATORS = 8;
const ROUNDS = 5;

const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: CREATORS + 1 });
afterAll(async () => {
  const { rows } = await pool.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [FILE_SCHEMA]);
  for (const { nspname } of rows) await pool.query(`DROP SCHEMA "${nspname}" CASCADE`);
  await pool.end();
});

/** Runs `create` on CREATORS connections at once, all checked out before any starts, and returns what each ended with. */
async function race(create: (client: pg.PoolClient, index: number) => Promise<void>): Promise<Array<PromiseSettledResult<void>>> {
  const clients = await Promise.all(Array.from({ length: CREATORS }, () => pool.connect()));
  try {
    return await Promise.allSettled(clients.map((client, index) => create(client, index)));
  } finally {
    for (const client of clients) client.release();
  }
}

const failures = (results: Array<PromiseSettledResult<void>>) => results.filter((result) => result.status === 'rejected').map((result) => String((result as PromiseRejectedResult).reason));

async function inTransaction(client: pg.PoolClient, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

describe('createSchemaIfMissing', () => {
  it('lets concurrent creators of one schema all succeed, round after round', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const schema = freshSchema();
      const results = await race((client) => inTransaction(client, () => createSchemaIfMissing(client, schema)));
      expect(failures(results)).toEqual([]);
      const { rows } = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      expect(rows).toHaveLength(1);
    }
  });

  it('where plain CREATE SCHEMA IF NOT EXISTS, raced the same way, fails (so the race above is real)', async () => {
    let lost = 0;
    for (let round = 0; round < ROUNDS && lost === 0; round++) {
      const schema = freshSchema();
      const results = await race((client) => inTransaction(client, async () => {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        // Held open a moment, as a migration creating its tables is, so the others queue on the name.
        await client.query('SELECT pg_sleep(0.05)');
      }));
      lost += failures(results).filter((failure) => failure.includes('pg_namespace')).length;
    }
    expect(lost).toBeGreaterThan(0);
  });

  it('lets the ledger and the access store of several replicas migrate one new schema at once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const schema = freshSchema();
      const results = await race((client, index) => (index % 2 === 0 ? migrateLedger(client, schema) : migrateAccess(client, schema)));
      expect(failures(results)).toEqual([]);
      const { rows } = await pool.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema]);
      expect(rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(['ledger_requests', 'ledger_schema_version', 'keys', 'audit', 'access_schema']));
    }
  });
});
