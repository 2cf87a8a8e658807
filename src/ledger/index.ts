/**
 * The ledger: the durable record of every request, and spend reports over it. Node-only
 * (SQLite, PostgreSQL); not part of the library's core entry.
 */
import type { LedgerSettings } from '../config/types';
import { createNullLedger } from './null-ledger';
import { createPostgresLedger } from './postgres/postgres-ledger';
import type { SpendReport } from './reports';
import { createSqliteLedger } from './sqlite/sqlite-ledger';
import type { Ledger } from './types';

export type { AttemptOutcome, AttemptRecord, Ledger, LedgerEntry, LedgerQuery } from './types';
export { LedgerEntryRejectedError } from './errors';
export { createMemoryLedger, type MemoryLedgerOptions } from './memory-ledger';
export { createNullLedger } from './null-ledger';
export { createPostgresLedger, type PostgresLedger, type PostgresLedgerOptions } from './postgres/postgres-ledger';
export { SpoolLineUnreadableError } from './postgres/spool';
export { SPEND_DIMENSIONS, type SpendDimension, type SpendFilter, type SpendQuery, type SpendReport, type SpendRow } from './reports';
export { createSqliteLedger, type SqliteLedgerOptions } from './sqlite/sqlite-ledger';
export { summariseLedger, type LedgerSummary, type LedgerTotals } from './summary';
export { WriteBufferOverflowError } from './write-buffer';

/** A ledger that also answers spend reports: what every configured kind builds. */
export type ReportingLedger = Ledger & SpendReport;

/** Builds the configured ledger; `onError` hears of background write failures (see SqliteLedgerOptions, PostgresLedgerOptions). */
export function createLedger(settings: LedgerSettings, onError?: (error: unknown) => void): ReportingLedger {
  switch (settings.kind) {
    case 'sqlite':
      return createSqliteLedger({ path: settings.path, batchSize: settings.batchSize, flushIntervalMs: settings.flushIntervalMs, timeZone: settings.timeZone, onError });
    case 'postgres':
      return createPostgresLedger({
        url: settings.url,
        schema: settings.schema,
        batchSize: settings.batchSize,
        flushIntervalMs: settings.flushIntervalMs,
        spoolPath: settings.spoolPath,
        retentionDays: settings.retentionDays,
        timeZone: settings.timeZone,
        onError,
      });
    case 'none':
      return createNullLedger();
  }
}
