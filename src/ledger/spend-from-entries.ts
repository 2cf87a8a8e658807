/**
 * A spend report worked out from entries in memory: what the memory ledger answers with, and
 * the plain statement of what the stores' daily totals must add up to.
 */
import type { LedgerEntry } from './types';
import { compareSpendRows, emptySpendRow, type SpendDimension, type SpendQuery, type SpendRow } from './reports';

/** The group value of one entry; `''` stands for none, as in the stores' totals tables. */
function valueOf(entry: LedgerEntry, dimension: Exclude<SpendDimension, 'day'>): string {
  switch (dimension) {
    case 'key':
      return entry.principal ?? '';
    case 'team':
      return entry.team ?? '';
    case 'route':
      return entry.route;
    case 'deployment':
      return entry.deployment ?? '';
    case 'model':
      return entry.model ?? '';
  }
}

/** Totals of `entries` as `query` asks; `dayOf` places a timestamp in the ledger's time zone. Assumes a valid query. */
export function spendFromEntries(entries: Iterable<LedgerEntry>, query: SpendQuery, dayOf: (timestamp: number) => string | undefined): SpendRow[] {
  const { groupBy, since, until, filter = {}, limit } = query;
  const filters = (Object.entries(filter) as Array<[Exclude<SpendDimension, 'day'>, string | undefined]>).filter(
    (pair): pair is [Exclude<SpendDimension, 'day'>, string] => pair[1] !== undefined,
  );
  const groups = new Map<string, SpendRow>();

  for (const entry of entries) {
    const day = dayOf(entry.timestamp);
    if (day === undefined || (since !== undefined && day < since) || (until !== undefined && day > until)) continue;
    if (filters.some(([dimension, wanted]) => valueOf(entry, dimension) !== wanted)) continue;
    const values = groupBy.map((dimension) => (dimension === 'day' ? day : valueOf(entry, dimension)));
    const id = JSON.stringify(values);
    let row = groups.get(id);
    if (row === undefined) {
      row = emptySpendRow(groupBy, values);
      groups.set(id, row);
    }
    row.requests += 1;
    if (entry.status >= 400) row.errors += 1;
    row.inputTokens += entry.inputTokens;
    row.outputTokens += entry.outputTokens;
    row.costUsd += entry.costUsd;
  }

  return [...groups.values()].sort(compareSpendRows(groupBy)).slice(0, limit);
}
