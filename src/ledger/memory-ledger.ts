/**
 * A ledger held in memory, for library use and tests. Same contract as the SQLite ledger:
 * every record is kept (two under one request id are two requests), timestamp ties come out
 * latest-recorded first, and entries come back as copies with absent optional fields absent.
 */
import { calendarDayIn } from './calendar-day';
import { ledgerClosedError } from './errors';
import { loadFromEntries, type LoadHistoryQuery, type LoadHistoryRow, type LoadHistorySource } from './load-history';
import { assertValidQuery } from './query';
import { assertValidSpendQuery, type SpendQuery, type SpendReport, type SpendRow } from './reports';
import { spendFromEntries } from './spend-from-entries';
import type { Ledger, LedgerEntry, LedgerQuery } from './types';

export interface MemoryLedgerOptions {
  /** The IANA time zone whose calendar days spend reports count in. Default UTC. */
  timeZone?: string;
}

export function createMemoryLedger(options: MemoryLedgerOptions = {}): Ledger & SpendReport & LoadHistorySource {
  const entries: LedgerEntry[] = [];
  const dayOf = calendarDayIn(options.timeZone ?? 'UTC');
  let closed = false;

  return {
    record(entry: LedgerEntry): void {
      if (closed) throw ledgerClosedError();
      entries.push(copyEntry(entry));
    },
    async flush(): Promise<void> {},
    async query(query: LedgerQuery = {}): Promise<LedgerEntry[]> {
      if (closed) throw ledgerClosedError();
      assertValidQuery(query);
      const { route, since, limit } = query;
      const matches = entries
        .toReversed()
        .filter((entry) => (route === undefined || entry.route === route) && (since === undefined || entry.timestamp >= since));
      // Stable sort on the reversed list keeps later-recorded entries first among equal timestamps.
      matches.sort((a, b) => b.timestamp - a.timestamp);
      return matches.slice(0, limit).map(copyEntry);
    },
    async count(): Promise<number> {
      if (closed) throw ledgerClosedError();
      return entries.length;
    },
    async spend(query: SpendQuery): Promise<SpendRow[]> {
      if (closed) throw ledgerClosedError();
      assertValidSpendQuery(query);
      return spendFromEntries(entries, query, dayOf);
    },
    async loadHistory(query: LoadHistoryQuery): Promise<LoadHistoryRow[]> {
      if (closed) throw ledgerClosedError();
      return loadFromEntries(entries, query);
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}

/** A deep copy without `undefined`-valued keys, matching what a store that drops NULLs returns. */
function copyEntry(entry: LedgerEntry): LedgerEntry {
  const copy = withoutUndefined({ ...entry, attempts: entry.attempts.map((attempt) => withoutUndefined({ ...attempt })) });
  if (copy.auto !== undefined) copy.auto = withoutUndefined({ ...copy.auto, candidates: copy.auto.candidates.map((candidate) => withoutUndefined({ ...candidate })) });
  return copy;
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
