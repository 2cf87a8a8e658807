/**
 * The PostgreSQL AccessStore against the real server: the conformance suite (each store in a
 * schema of its own, two instances sharing one for the replica checks), then what PostgreSQL
 * adds: the schema option, concurrent first starts, and bounded failure when the server cannot
 * be reached or does not answer.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresAccessStore, type PostgresAccessStore, type PostgresAccessStoreOptions } from '../../src/access/store/postgres/postgres-access-store';
import { ACCESS_PG_SCHEMA_VERSION } from '../../src/access/store/postgres/schema';
import { isJunctionError } from '../../src/errors';
import { runAccessStoreSuite, sampleKey } from '../conformance/access-store.suite';
import { settlesWithin } from '../support/until';

/** The shared test server (trust auth); every test here works in schemas of its own. */
const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** Every schema this file makes starts with this, so afterAll can drop them all. */
const FILE_SCHEMA = `jt_${randomBytes(6).toString('hex')}`;
let schemas = 0;
const freshSchema = () => `${FILE_SCHEMA}_${(schemas += 1)}`;

const admin = new pg.Client({ connectionString: POSTGRES_URL });
beforeAll(() => admin.connect());
afterAll(async () => {
  const { rows } = await admin.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [FILE_SCHEMA]);
  for (const { nspname } of rows) await admin.query(`DROP SCHEMA "${nspname}" CASCADE`);
  await admin.end();
});

const store = (options: Partial<PostgresAccessStoreOptions> = {}): PostgresAccessStore => createPostgresAccessStore({ url: POSTGRES_URL, schema: freshSchema(), ...options });

runAccessStoreSuite('postgres', {
  create: async () => {
    const created = store();
    await created.ready();
    return created;
  },
  createShared: async () => {
    const schema = freshSchema();
    return [createPostgresAccessStore({ url: POSTGRES_URL, schema }), createPostgresAccessStore({ url: POSTGRES_URL, schema })];
  },
});

async function failureCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return isJunctionError(error) ? error.code : `not a JunctionError: ${String(error)}`;
  }
}

describe('postgres access store', () => {
  const opened: PostgresAccessStore[] = [];
  const open = (options: Partial<PostgresAccessStoreOptions> = {}) => {
    const created = store(options);
    opened.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((item) => item.close()));
  });

  it('keeps its tables in the given schema, with indexes on hash and version and a schema version', async () => {
    const schema = freshSchema();
    const created = open({ schema });
    await created.ready();
    const { rows: tables } = await admin.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema]);
    expect(tables.map((row) => row.table_name)).toEqual(['access_schema', 'access_version', 'audit', 'keys', 'teams']);
    const { rows: indexes } = await admin.query('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1', [schema]);
    const definitions = indexes.map((row) => row.indexdef as string).join('\n');
    expect(definitions).toMatch(/UNIQUE INDEX keys_hash .*\(hash\)/);
    expect(definitions).toMatch(/INDEX keys_version .*\(version\)/);
    expect(definitions).toMatch(/INDEX teams_version .*\(version\)/);
    expect((await admin.query(`SELECT version FROM "${schema}".access_schema`)).rows).toEqual([{ version: ACCESS_PG_SCHEMA_VERSION }]);
    await created.createKey(sampleKey(1));
    expect((await admin.query(`SELECT jsonb_typeof(budgets) AS type, hash FROM "${schema}".keys`)).rows).toEqual([{ type: 'array', hash: sampleKey(1).hash }]);
  });

  it('creates the schema once when replicas start together', async () => {
    const schema = freshSchema();
    const replicas = Array.from({ length: 4 }, () => open({ schema }));
    await Promise.all(replicas.map((replica) => replica.ready()));
    await replicas[0].createKey(sampleKey(1));
    expect((await replicas[3].getKey('key_1'))?.hash).toBe(sampleKey(1).hash);
  });

  it('refuses a plain-identifier-less schema name and a schema written by a newer version', async () => {
    expect(() => createPostgresAccessStore({ url: POSTGRES_URL, schema: 'x"; DROP TABLE y; --' })).toThrow(/plain SQL identifier/);
    const schema = freshSchema();
    await admin.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".access_schema (version integer NOT NULL); INSERT INTO "${schema}".access_schema VALUES (${ACCESS_PG_SCHEMA_VERSION + 1})`);
    await expect(open({ schema }).ready()).rejects.toThrow(/newer than this Junction understands/);
  });

  it('makes versions visible in commit order: a write waits while an earlier one is uncommitted', async () => {
    const schema = freshSchema();
    const [writer, reader] = [open({ schema }), open({ schema })];
    await writer.ready();
    // Another replica's write, caught between taking its version and committing.
    const other = new pg.Client({ connectionString: POSTGRES_URL });
    await other.connect();
    try {
      await other.query('BEGIN');
      const { rows } = await other.query(`UPDATE "${schema}".access_version SET value = value + 1 RETURNING value`);
      const otherVersion = Number(rows[0].value);
      let done = false;
      const later = writer.createKey(sampleKey(2)).finally(() => {
        done = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(done).toBe(false);
      expect(await reader.changesSince(0)).toEqual({ keys: [], teams: [], version: 0 });
      await other.query('COMMIT');
      expect((await later).version).toBeGreaterThan(otherVersion);
      expect((await reader.changesSince(0)).version).toBe((await later).version);
    } finally {
      await other.end();
    }
  });

  describe('when the server cannot be reached', () => {
    let silent: Server;
    let silentPort: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      // Accepts connections and never answers: a server that hangs, or a network that drops.
      silent = createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      silentPort = (silent.address() as AddressInfo).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('fails with access_store_unavailable when nothing listens', async () => {
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const { port } = probe.address() as AddressInfo;
      await new Promise((resolve) => probe.close(resolve));
      const unreachable = open({ url: `postgres://postgres@127.0.0.1:${port}/test` });
      expect(await settlesWithin(failureCode(unreachable.getKey('key_1')), 3_000, 'refused connection')).toBe('access_store_unavailable');
      expect(await failureCode(unreachable.ready())).toBe('access_store_unavailable');
    });

    it('gives up connecting after connectTimeoutMs', async () => {
      const hanging = open({ url: `postgres://postgres@127.0.0.1:${silentPort}/test`, connectTimeoutMs: 150 });
      const started = performance.now();
      expect(await settlesWithin(failureCode(hanging.listKeys()), 3_000, 'hanging connect')).toBe('access_store_unavailable');
      expect(performance.now() - started).toBeLessThan(1_500);
    });

    it('gives up a statement after statementTimeoutMs, and works again once the server answers', async () => {
      const schema = freshSchema();
      const slow = open({ schema, statementTimeoutMs: 150 });
      await slow.createKey(sampleKey(1));
      const locker = new pg.Client({ connectionString: POSTGRES_URL });
      await locker.connect();
      try {
        await locker.query(`BEGIN; LOCK TABLE "${schema}".keys IN ACCESS EXCLUSIVE MODE`);
        const started = performance.now();
        expect(await settlesWithin(failureCode(slow.getKey('key_1')), 3_000, 'blocked statement')).toBe('access_store_unavailable');
        expect(performance.now() - started).toBeLessThan(1_500);
        await locker.query('ROLLBACK');
        expect((await slow.getKey('key_1'))?.id).toBe('key_1');
      } finally {
        await locker.end();
      }
    });
  });
});
