/**
 * Writes one batch of rows and adds them to the daily totals, in one statement (and so one
 * transaction). Only rows actually inserted are totalled (`RETURNING` of an insert that skips
 * conflicts): sending a batch again, whether from the spool or because a commit's answer was
 * lost, adds nothing twice.
 */
import type { Pool } from 'pg';
import { END_OF_DATED_MS, FIRST_DATED_MS } from '../calendar-day';
import { COLUMNS, toColumnLiterals, unnestColumns, type PgRow } from './rows';
import type { LedgerTables } from './schema';

/** A batch as written and as spooled: the writer that recorded the rows, and the rows. */
export interface RowBatch {
  writer: string;
  rows: PgRow[];
}

/** A row PostgreSQL (or the check before it) refused for its content; it is dropped, the rest land. */
export interface RefusedRow {
  requestId: string;
  error: unknown;
}

/**
 * The statement: $1 the writer, then one array per column, then the time zone of the days.
 * Totals are upserted in key order so that two replicas writing at once take row locks in the
 * same order and cannot deadlock.
 */
export function insertBatchSql(tables: LedgerTables): string {
  const columns = COLUMNS.map(({ name }) => name).join(', ');
  const zone = `$${COLUMNS.length + 2}`;
  return `
WITH inserted AS (
  INSERT INTO ${tables.requests} (writer, ${columns})
  SELECT $1::uuid, * FROM ${unnestColumns(2)}
  ON CONFLICT (writer, seq) DO NOTHING
  RETURNING ts, principal, team, route, deployment, model, status, input_tokens, output_tokens, cost_usd
)
INSERT INTO ${tables.dailyTotals} AS totals (day, principal, team, route, deployment, model, requests, errors, input_tokens, output_tokens, cost_usd)
SELECT (to_timestamp(ts / 1000.0) AT TIME ZONE ${zone}::text)::date, COALESCE(principal, ''), COALESCE(team, ''), route,
       COALESCE(deployment, ''), COALESCE(model, ''), COUNT(*), COUNT(*) FILTER (WHERE status >= 400),
       SUM(input_tokens), SUM(output_tokens), SUM(cost_usd)
FROM inserted
WHERE ts >= ${FIRST_DATED_MS} AND ts < ${END_OF_DATED_MS}
GROUP BY 1, 2, 3, 4, 5, 6
ORDER BY 1, 2, 3, 4, 5, 6
ON CONFLICT (day, principal, team, route, deployment, model) DO UPDATE SET
  requests = totals.requests + EXCLUDED.requests,
  errors = totals.errors + EXCLUDED.errors,
  input_tokens = totals.input_tokens + EXCLUDED.input_tokens,
  output_tokens = totals.output_tokens + EXCLUDED.output_tokens,
  cost_usd = totals.cost_usd + EXCLUDED.cost_usd`;
}

/** Errors caused by what a row holds (SQLSTATE classes 22, data exception, and 23, integrity), as opposed to the server being unavailable. */
export function isContentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

export interface BatchWriter {
  /** Writes the batch; resolves with the rows refused for their content. Rejects, with nothing refused, when PostgreSQL did not take it. */
  write(batch: RowBatch): Promise<RefusedRow[]>;
}

export function createBatchWriter(pool: Pool, tables: LedgerTables, timeZone: string): BatchWriter {
  const text = insertBatchSql(tables);
  // Prepared once per connection under this name.
  const name = `junction-ledger-insert-${COLUMNS.length}`;

  async function insert(writer: string, rows: readonly PgRow[]): Promise<RefusedRow[]> {
    const { literals, accepted, refused } = toColumnLiterals(rows);
    const refusedRows: RefusedRow[] = refused.map(({ index, error }) => ({ requestId: String(rows[index][1]), error }));
    if (accepted.length > 0) await pool.query({ name, text, values: [writer, ...literals, timeZone] });
    return refusedRows;
  }

  return {
    async write({ writer, rows }: RowBatch): Promise<RefusedRow[]> {
      try {
        return await insert(writer, rows);
      } catch (error) {
        if (!isContentError(error)) throw error;
      }
      // Some row PostgreSQL will not take: write them one by one to find it (rare, so simple).
      // Rows already in from an earlier try are skipped by their key, as always.
      const refused: RefusedRow[] = [];
      for (const row of rows) {
        try {
          refused.push(...(await insert(writer, [row])));
        } catch (error) {
          if (!isContentError(error)) throw error;
          refused.push({ requestId: String(row[1]), error });
        }
      }
      return refused;
    },
  };
}
