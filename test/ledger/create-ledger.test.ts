import { describe, expect, it } from 'vitest';
import { isJunctionError } from '../../src/errors';
import { createLedger } from '../../src/ledger';
import { sampleEntry } from '../conformance/ledger.suite';

const settings = { path: ':memory:', batchSize: 10, flushIntervalMs: 200 };

describe('createLedger', () => {
  it('kind sqlite stores entries', async () => {
    const ledger = createLedger({ ...settings, kind: 'sqlite' });
    ledger.record(sampleEntry(1));
    expect(await ledger.query()).toStrictEqual([sampleEntry(1)]);
    await ledger.close();
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
