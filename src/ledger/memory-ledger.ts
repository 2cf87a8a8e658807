/**
 * A ledger held in memory, for library use and tests. Same contract as the SQLite ledger:
 * a later record of the same request id replaces the earlier one, timestamp ties come out
 * latest-recorded first, and entries come back as copies with absent optional fields absent.
 */
import { ledgerClosedError } from './errors';
import { assertValidQuery } from './query';
import type { Ledger, LedgerEntry, LedgerQuery } from './types';

export function createMemoryLedger(): Ledger {
  // Map order is insertion order, and re-inserting after a delete moves an id to the end.
  const entries = new Map<string, LedgerEntry>();
  let closed = false;

  return {
    record(entry: LedgerEntry): void {
      if (closed) throw ledgerClosedError();
      entries.delete(entry.requestId);
      entries.set(entry.requestId, copyEntry(entry));
    },
    async flush(): Promise<void> {},
    async query(query: LedgerQuery = {}): Promise<LedgerEntry[]> {
      if (closed) throw ledgerClosedError();
      assertValidQuery(query);
      const { route, since, limit } = query;
      const matches = [...entries.values()]
        .reverse()
        .filter((entry) => (route === undefined || entry.route === route) && (since === undefined || entry.timestamp >= since));
      // Stable sort on the reversed list keeps later-recorded entries first among equal timestamps.
      matches.sort((a, b) => b.timestamp - a.timestamp);
      return matches.slice(0, limit).map(copyEntry);
    },
    async count(): Promise<number> {
      if (closed) throw ledgerClosedError();
      return entries.size;
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}

/** A deep copy without `undefined`-valued keys, matching what a store that drops NULLs returns. */
function copyEntry(entry: LedgerEntry): LedgerEntry {
  return withoutUndefined({ ...entry, attempts: entry.attempts.map((attempt) => withoutUndefined({ ...attempt })) });
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
