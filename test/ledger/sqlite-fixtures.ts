/**
 * What the SQLite ledger tests share: fresh database files in a temporary directory, ledgers
 * and read-only observer connections closed after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach } from 'vitest';
import { createSqliteLedger, type SqliteLedgerOptions } from '../../src/ledger/sqlite/sqlite-ledger';
import type { Ledger } from '../../src/ledger/types';

/** Call at the top of a test file (or describe block): registers its own clean-up hooks. */
export function sqliteLedgerFixtures(prefix: string) {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  let files = 0;
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  return {
    freshPath: (): string => join(directory, `ledger-${(files += 1)}.db`),
    /** Run `step` after the current test, before the ledgers and connections opened earlier are closed. */
    cleanup,
    open(options: Partial<SqliteLedgerOptions> & { path: string }): Ledger {
      const ledger = createSqliteLedger({ onError: () => undefined, ...options });
      cleanup.push(() => ledger.close().catch(() => undefined));
      return ledger;
    },
    /** A second connection to the same file, to look at what is really on disk. */
    observe(path: string): Database.Database {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      cleanup.push(() => db.close());
      return db;
    },
    rowsOnDisk: (db: Database.Database): number => db.prepare('SELECT COUNT(*) FROM requests').pluck().get() as number,
  };
}
