/**
 * Load history: how many requests each deployment served per time bucket, read from the
 * ledger. The batch forecast is fitted to it. Interactive load leaves out the batch API's own
 * requests (ingress `batch`), which follow the forecast rather than make it.
 */
import type { LedgerEntry } from './types';

export interface LoadHistoryQuery {
  /** First instant counted (Unix ms), inclusive. */
  since: number;
  /** Last instant counted, exclusive. */
  until: number;
  /** Bucket width in ms (buckets are aligned to the Unix epoch). */
  bucketMs: number;
  /** Leave out batch requests (default true). */
  interactiveOnly?: boolean;
}

/** Requests a deployment answered in one bucket. */
export interface LoadHistoryRow {
  deployment: string;
  /** The bucket's start (Unix ms). */
  start: number;
  requests: number;
}

export interface LoadHistorySource {
  /** Rows ordered by bucket, then deployment; buckets without requests are absent. */
  loadHistory(query: LoadHistoryQuery): Promise<LoadHistoryRow[]>;
}

export function hasLoadHistory(ledger: object): ledger is LoadHistorySource {
  return typeof (ledger as Partial<LoadHistorySource>).loadHistory === 'function';
}

export function assertValidLoadQuery(query: LoadHistoryQuery): void {
  if (!Number.isSafeInteger(query.bucketMs) || query.bucketMs < 1) throw new RangeError('loadHistory: bucketMs must be a positive whole number of ms');
  if (!Number.isFinite(query.since) || !Number.isFinite(query.until)) throw new RangeError('loadHistory: since and until must be instants');
}

/** The memory ledger's answer, from its entries. */
export function loadFromEntries(entries: readonly LedgerEntry[], query: LoadHistoryQuery): LoadHistoryRow[] {
  assertValidLoadQuery(query);
  const counts = new Map<string, LoadHistoryRow>();
  const interactiveOnly = query.interactiveOnly ?? true;
  for (const entry of entries) {
    if (entry.deployment === undefined || entry.timestamp < query.since || entry.timestamp >= query.until) continue;
    if (interactiveOnly && entry.ingress === 'batch') continue;
    const start = Math.floor(entry.timestamp / query.bucketMs) * query.bucketMs;
    const key = `${start}\u0000${entry.deployment}`;
    const row = counts.get(key);
    if (row) row.requests += 1;
    else counts.set(key, { deployment: entry.deployment, start, requests: 1 });
  }
  return [...counts.values()].sort((a, b) => a.start - b.start || (a.deployment < b.deployment ? -1 : a.deployment > b.deployment ? 1 : 0));
}

/**
 * The SQL ledgers' query; `placeholder(n)` writes the n-th parameter (1-based). The bucket width
 * is written into the SQL as a checked whole number: it appears twice, and SQLite's `?` cannot repeat.
 */
export function loadHistorySql(query: LoadHistoryQuery, dialect: { table: string; placeholder: (index: number) => string; byteOrder: string }): { sql: string; params: unknown[] } {
  assertValidLoadQuery(query);
  const p = dialect.placeholder;
  const bucket = String(query.bucketMs);
  const interactive = query.interactiveOnly ?? true ? ` AND ingress <> 'batch'` : '';
  const sql =
    `SELECT deployment, (ts / ${bucket}) * ${bucket} AS start, COUNT(*) AS requests FROM ${dialect.table}` +
    ` WHERE deployment IS NOT NULL AND ts >= ${p(1)} AND ts < ${p(2)}${interactive}` +
    ` GROUP BY deployment, start ORDER BY start, deployment${dialect.byteOrder}`;
  return { sql, params: [Math.floor(query.since), Math.ceil(query.until)] };
}

export function toLoadRow(row: { deployment: string; start: number | string; requests: number | string }): LoadHistoryRow {
  return { deployment: row.deployment, start: Number(row.start), requests: Number(row.requests) };
}
