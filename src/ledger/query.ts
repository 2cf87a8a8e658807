import type { LedgerQuery } from './types';

/**
 * Checks a query's bounds so every implementation refuses the same nonsense instead of each
 * store interpreting it its own way (SQLite reads a negative LIMIT as "no limit").
 */
export function assertValidQuery(query: LedgerQuery): void {
  const { limit, since } = query;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new RangeError(`ledger query limit must be a non-negative integer, got ${limit}`);
  }
  if (since !== undefined && !Number.isFinite(since)) {
    throw new RangeError(`ledger query since must be a finite timestamp, got ${since}`);
  }
}
