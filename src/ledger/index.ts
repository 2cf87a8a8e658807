/**
 * The ledger: the durable record of every request. Node-only (SQLite); not part of the
 * library's core entry.
 */
import type { LedgerSettings } from '../config/types';
import { createNullLedger } from './null-ledger';
import { createSqliteLedger } from './sqlite/sqlite-ledger';
import type { Ledger } from './types';

export type { AttemptOutcome, AttemptRecord, Ledger, LedgerEntry, LedgerQuery } from './types';
export { LedgerEntryRejectedError } from './errors';
export { createMemoryLedger } from './memory-ledger';
export { createNullLedger } from './null-ledger';
export { createSqliteLedger, type SqliteLedgerOptions } from './sqlite/sqlite-ledger';
export { summariseLedger, type LedgerSummary, type LedgerTotals } from './summary';
export { WriteBufferOverflowError } from './write-buffer';

/** Builds the configured ledger; `onError` hears of background write failures (see SqliteLedgerOptions). */
export function createLedger(settings: LedgerSettings, onError?: (error: unknown) => void): Ledger {
  switch (settings.kind) {
    case 'sqlite':
      return createSqliteLedger({ path: settings.path, batchSize: settings.batchSize, flushIntervalMs: settings.flushIntervalMs, onError });
    case 'none':
      return createNullLedger();
  }
}
