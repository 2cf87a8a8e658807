/**
 * The load-history conformance suite: every ledger that answers `loadHistory` counts requests
 * per deployment per bucket the same way (buckets aligned to the epoch, `until` exclusive,
 * no deployment means not counted, batch requests left out unless asked for).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadHistorySource } from '../../src/ledger/load-history';
import type { Ledger } from '../../src/ledger/types';
import { sampleEntry } from './ledger.suite';

export interface LoadHistorySuiteOptions {
  create: () => Promise<Ledger & LoadHistorySource> | (Ledger & LoadHistorySource);
}

const BUCKET = 15 * 60_000;
const DAY = Date.UTC(2026, 10, 2);

export function runLoadHistorySuite(name: string, options: LoadHistorySuiteOptions): void {
  describe(`load history: ${name}`, () => {
    const opened: Ledger[] = [];
    afterEach(async () => {
      for (const ledger of opened.splice(0)) await ledger.close().catch(() => undefined);
    });
    const open = async () => {
      const ledger = await options.create();
      opened.push(ledger);
      return ledger;
    };

    it('counts requests per deployment per bucket, batch requests apart', async () => {
      const ledger = await open();
      const at = (minute: number) => DAY + minute * 60_000;
      const entries = [
        sampleEntry(1, { timestamp: at(0), deployment: 'a' }),
        sampleEntry(2, { timestamp: at(14), deployment: 'a' }),
        sampleEntry(3, { timestamp: at(15), deployment: 'a' }),
        sampleEntry(4, { timestamp: at(16), deployment: 'b' }),
        sampleEntry(5, { timestamp: at(17), deployment: 'b', ingress: 'batch' }),
        sampleEntry(6, { timestamp: at(18), deployment: undefined }),
        sampleEntry(7, { timestamp: at(30), deployment: 'a' }),
      ];
      for (const entry of entries) ledger.record(entry);
      await expect(ledger.loadHistory({ since: DAY, until: at(30), bucketMs: BUCKET })).resolves.toEqual([
        { deployment: 'a', start: DAY, requests: 2 },
        { deployment: 'a', start: DAY + BUCKET, requests: 1 },
        { deployment: 'b', start: DAY + BUCKET, requests: 1 },
      ]);
      const all = await ledger.loadHistory({ since: at(15), until: at(31), bucketMs: BUCKET, interactiveOnly: false });
      expect(all).toEqual([
        { deployment: 'a', start: DAY + BUCKET, requests: 1 },
        { deployment: 'b', start: DAY + BUCKET, requests: 2 },
        { deployment: 'a', start: DAY + 2 * BUCKET, requests: 1 },
      ]);
    });

    it('answers nothing for an empty window and refuses a bad bucket', async () => {
      const ledger = await open();
      ledger.record(sampleEntry(1, { timestamp: DAY, deployment: 'a' }));
      await expect(ledger.loadHistory({ since: DAY + 1, until: DAY + BUCKET, bucketMs: BUCKET })).resolves.toEqual([]);
      await expect(ledger.loadHistory({ since: DAY, until: DAY + 1, bucketMs: 0 })).rejects.toThrow(RangeError);
    });
  });
}
