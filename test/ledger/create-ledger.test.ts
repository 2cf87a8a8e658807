import { describe, expect, it } from 'vitest';
import { isJunctionError } from '../../src/errors';
import { createLedger } from '../../src/ledger';
import { sampleEntry } from '../conformance/ledger.suite';
import { POSTGRES_URL, postgresLedgerFixtures } from './postgres-fixtures';

const { freshSchema, freshSpool, rowCount } = postgresLedgerFixtures('create');

const settings = { path: ':memory:', batchSize: 10, flushIntervalMs: 200, timeZone: 'UTC' };

describe('createLedger', () => {
  it('kind sqlite stores entries', async () => {
    const ledger = createLedger({ ...settings, kind: 'sqlite' });
    ledger.record(sampleEntry(1));
    expect(await ledger.query()).toStrictEqual([sampleEntry(1)]);
    await ledger.close();
  });

  it('kind postgres stores entries in its schema and reports spend', async () => {
    const schema = freshSchema();
    const ledger = createLedger({ kind: 'postgres', url: POSTGRES_URL, schema, batchSize: 10, flushIntervalMs: 200, spoolPath: freshSpool(), retentionDays: 36_500, timeZone: 'Asia/Tokyo' });
    // 2023-11-14T22:13:20Z is the 15th in Tokyo.
    ledger.record(sampleEntry(1));
    expect(await ledger.query()).toStrictEqual([sampleEntry(1)]);
    expect(await ledger.spend({ groupBy: ['day', 'team'] })).toMatchObject([{ day: '2023-11-15', team: 'platform', requests: 1 }]);
    await ledger.close();
    expect(await rowCount(schema)).toBe(1);
  });

  it('kind sqlite counts days in the configured time zone, as budgets do', async () => {
    const ledger = createLedger({ ...settings, kind: 'sqlite', timeZone: 'Asia/Tokyo' });
    // 2023-11-14T22:13:20Z is the 15th in Tokyo.
    ledger.record(sampleEntry(1));
    expect(await ledger.spend({ groupBy: ['day'] })).toMatchObject([{ day: '2023-11-15', requests: 1 }]);
    await ledger.close();
  });

  it('kind sqlite and kind none report spend too', async () => {
    const sqlite = createLedger({ ...settings, kind: 'sqlite' });
    sqlite.record(sampleEntry(1));
    expect(await sqlite.spend({ groupBy: ['model'] })).toMatchObject([{ model: 'gpt-4o-mini-2024-07-18', requests: 1 }]);
    await sqlite.close();
    const none = createLedger({ ...settings, kind: 'none' });
    none.record(sampleEntry(1));
    expect(await none.spend({ groupBy: ['model'] })).toEqual([]);
    await none.close();
  });

  it('kind none keeps nothing but still counts', async () => {
    const ledger = createLedger({ ...settings, kind: 'none' });
    ledger.record(sampleEntry(1));
    ledger.record(sampleEntry(2));
    await ledger.flush();
    expect(await ledger.count()).toBe(2);
    expect(await ledger.query()).toEqual([]);
    await ledger.close();
    let thrown: unknown;
    try {
      ledger.record(sampleEntry(3));
    } catch (error) {
      thrown = error;
    }
    expect(isJunctionError(thrown) && thrown.code).toBe('shutting_down');
  });
});
