/**
 * The SQLite AccessStore: the conformance suite on a file (two stores sharing it, as two
 * processes would) and in memory, then what a file adds: its schema, reopening, and refusing
 * files it does not understand.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/access/keys';
import { ACCESS_SCHEMA_VERSION, createSqliteAccessStore } from '../../src/access/store/sqlite-access-store';
import type { AccessStore } from '../../src/access/store/types';
import { runAccessStoreSuite, sampleKey, sampleTeam } from '../conformance/access-store.suite';

const directory = mkdtempSync(join(tmpdir(), 'junction-access-'));
let files = 0;
const freshPath = (): string => join(directory, `access-${(files += 1)}.db`);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

runAccessStoreSuite('sqlite file', {
  create: () => createSqliteAccessStore({ path: freshPath() }),
  createShared: async () => {
    const path = freshPath();
    return [createSqliteAccessStore({ path }), createSqliteAccessStore({ path })];
  },
});
runAccessStoreSuite('sqlite :memory:', { create: () => createSqliteAccessStore({ path: ':memory:' }) });

describe('sqlite access store', () => {
  const opened: Array<AccessStore | Database.Database> = [];
  const open = (path: string): AccessStore => {
    const store = createSqliteAccessStore({ path });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const item of opened.splice(0)) await item.close();
  });

  it('creates its tables with indexes on hash and version, and a schema version', async () => {
    const path = freshPath();
    open(path);
    const db = new Database(path, { readonly: true });
    opened.push(db);
    expect(db.pragma('user_version', { simple: true })).toBe(ACCESS_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['access_version', 'audit', 'keys', 'teams']);
    const indexed = (table: string) =>
      (db.prepare('SELECT name FROM pragma_index_list(?)').pluck().all(table) as string[]).flatMap((index) => db.prepare('SELECT name FROM pragma_index_info(?)').pluck().all(index));
    expect(indexed('keys')).toEqual(expect.arrayContaining(['hash', 'version', 'team']));
    expect(indexed('teams')).toEqual(expect.arrayContaining(['version']));
  });

  it('keeps records and the version line across reopening', async () => {
    const path = freshPath();
    const first = open(path);
    const key = await first.createKey(sampleKey(1));
    const team = await first.createTeam(sampleTeam(1));
    await first.close();
    const second = open(path);
    expect(await second.changesSince(0)).toStrictEqual({ keys: [key], teams: [team], version: team.version });
    const updated = await second.updateKey(key.id, { name: 'again' });
    expect(updated.version).toBeGreaterThan(team.version);
  });

  it('holds the hash and prefix of a key, never the key itself', async () => {
    const path = freshPath();
    const store = open(path);
    const { key, prefix, hash } = generateKey();
    await store.createKey(sampleKey(1, { hash, prefix }));
    await store.audit({ at: 1, actor: 'admin', action: 'key.create', target: 'key_1', details: { prefix } });
    await store.close();
    const bytes = [path, `${path}-wal`].map((file) => {
      try {
        return readFileSync(file).toString('latin1');
      } catch {
        return '';
      }
    }).join('');
    expect(bytes).toContain(hash);
    expect(bytes).not.toContain(key.slice(7));
  });

  it('refuses a file written by a newer schema', () => {
    const path = freshPath();
    const db = new Database(path);
    db.pragma(`user_version = ${ACCESS_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => createSqliteAccessStore({ path })).toThrow(/newer than this Junction understands/);
  });

  it("refuses another component's file (the ledger's) rather than share its schema version", () => {
    const path = freshPath();
    const db = new Database(path);
    db.exec('CREATE TABLE requests (id INTEGER PRIMARY KEY)');
    db.close();
    expect(() => createSqliteAccessStore({ path })).toThrow(/needs a file of its own/);
  });
});
