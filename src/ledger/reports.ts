/**
 * Spend and usage reports: request, error, token and cost totals grouped by key, team, route,
 * deployment, model and day. Every ledger that keeps entries answers them from daily totals it
 * maintains as it writes (SQLite and PostgreSQL keep a table of them), so a report reads one row
 * per day and group, not one per request.
 */
import { assertDay } from './calendar-day';

/** What a report can group by; `key` is the entry's `principal`. */
export type SpendDimension = 'key' | 'team' | 'route' | 'deployment' | 'model' | 'day';

export const SPEND_DIMENSIONS: readonly SpendDimension[] = ['key', 'team', 'route', 'deployment', 'model', 'day'];

/** Exact matches on group values; several narrow together. */
export interface SpendFilter {
  key?: string;
  team?: string;
  route?: string;
  deployment?: string;
  model?: string;
}

export interface SpendQuery {
  /** Group values, in this order, appear on each row; none gives one row of grand totals (none at all when nothing matched). */
  groupBy: SpendDimension[];
  /** First day counted, `YYYY-MM-DD` in the ledger's time zone; inclusive. */
  since?: string;
  /** Last day counted, `YYYY-MM-DD`; inclusive. */
  until?: string;
  filter?: SpendFilter;
  /** At most this many rows, the costliest. */
  limit?: number;
}

/**
 * One group's totals. A grouped-by value an entry did not have (no key, no team, no answering
 * deployment or model) is `null`; an empty string counts as not having one.
 */
export interface SpendRow {
  key?: string | null;
  team?: string | null;
  route?: string;
  deployment?: string | null;
  model?: string | null;
  day?: string;
  requests: number;
  /** Requests answered with a status of 400 or more. */
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Implemented by every ledger that keeps entries. */
export interface SpendReport {
  /**
   * Totals per group, costliest first, then by group values in `groupBy` order (by code point,
   * no group value before any). Sees everything recorded before it, like `query`. Throws a
   * RangeError for a malformed query.
   */
  spend(query: SpendQuery): Promise<SpendRow[]>;
}

const FILTERABLE = new Set<string>(['key', 'team', 'route', 'deployment', 'model']);

/** Refuses malformed queries the same way in every store. */
export function assertValidSpendQuery(query: SpendQuery): void {
  if (!Array.isArray(query.groupBy)) throw new RangeError('spend query groupBy must be a list of dimensions');
  const seen = new Set<string>();
  for (const dimension of query.groupBy) {
    if (!SPEND_DIMENSIONS.includes(dimension)) throw new RangeError(`spend query cannot group by ${JSON.stringify(dimension)}: expected one of ${SPEND_DIMENSIONS.join(', ')}`);
    if (seen.has(dimension)) throw new RangeError(`spend query groups by ${dimension} twice`);
    seen.add(dimension);
  }
  if (query.since !== undefined) assertDay('spend query since', query.since);
  if (query.until !== undefined) assertDay('spend query until', query.until);
  for (const [name, value] of Object.entries(query.filter ?? {})) {
    if (!FILTERABLE.has(name)) throw new RangeError(`spend query cannot filter on ${JSON.stringify(name)}`);
    if (value !== undefined && typeof value !== 'string') throw new RangeError(`spend query filter ${name} must be a string`);
  }
  const { limit } = query;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new RangeError(`spend query limit must be a non-negative integer, got ${limit}`);
}

/** A report row with zero totals for the group whose stored values (`''` for none) are `values`, in `groupBy` order. */
export function emptySpendRow(groupBy: readonly SpendDimension[], values: readonly string[]): SpendRow {
  const group: Record<string, string | null> = {};
  groupBy.forEach((dimension, index) => {
    const value = values[index];
    // Route and day always have a value; an empty route is still a route.
    group[dimension] = value === '' && dimension !== 'route' && dimension !== 'day' ? null : value;
  });
  return { ...group, requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
}

/** Compares by code point, which is also UTF-8 byte order: what SQLite's BINARY and PostgreSQL's "C" collation do. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const left = a.charCodeAt(index);
    const right = b.charCodeAt(index);
    if (left === right) continue;
    // A surrogate (an astral code point) outranks every other UTF-16 unit in code point order.
    const surrogateLeft = left >= 0xd800 && left <= 0xdfff;
    const surrogateRight = right >= 0xd800 && right <= 0xdfff;
    if (surrogateLeft !== surrogateRight) return surrogateLeft ? 1 : -1;
    return left - right;
  }
  return a.length - b.length;
}

/** The report's order: costliest first, then group values, none before any. */
export function compareSpendRows(groupBy: readonly SpendDimension[]): (a: SpendRow, b: SpendRow) => number {
  return function bySpend(a, b) {
    if (a.costUsd !== b.costUsd) return b.costUsd - a.costUsd;
    for (const dimension of groupBy) {
      const left = a[dimension] ?? '';
      const right = b[dimension] ?? '';
      const order = compareCodePoints(left, right);
      if (order !== 0) return order;
    }
    return 0;
  };
}
