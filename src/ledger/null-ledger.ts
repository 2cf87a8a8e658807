/**
 * The ledger for `kind: none`: it keeps nothing, so `query` is always empty, but it still counts
 * what was recorded so request totals stay visible with the ledger switched off. Its spend
 * reports are empty too.
 */
import { ledgerClosedError } from './errors';
import { assertValidQuery } from './query';
import { assertValidSpendQuery, type SpendQuery, type SpendReport, type SpendRow } from './reports';
import type { Ledger, LedgerEntry, LedgerQuery } from './types';

export function createNullLedger(): Ledger & SpendReport {
  let recorded = 0;
  let closed = false;

  return {
    record(_entry: LedgerEntry): void {
      if (closed) throw ledgerClosedError();
      recorded += 1;
    },
    async flush(): Promise<void> {},
    async query(query: LedgerQuery = {}): Promise<LedgerEntry[]> {
      if (closed) throw ledgerClosedError();
      assertValidQuery(query);
      return [];
    },
    async count(): Promise<number> {
      if (closed) throw ledgerClosedError();
      return recorded;
    },
    async spend(query: SpendQuery): Promise<SpendRow[]> {
      if (closed) throw ledgerClosedError();
      assertValidSpendQuery(query);
      return [];
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}
