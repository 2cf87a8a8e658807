/**
 * The SQL of a spend report over a daily totals table, for SQLite and PostgreSQL alike. Both
 * stores keep the same columns (day, principal, team, route, deployment, model and the sums),
 * with `''` for a group value an entry did not have; they differ in placeholders, in how a day
 * is written and compared, and in how text is ordered.
 */
import { emptySpendRow, type SpendDimension, type SpendQuery, type SpendRow } from './reports';

export interface SpendSqlDialect {
  /** The totals table, qualified as the store needs. */
  table: string;
  /** The n-th parameter (1-based). */
  placeholder: (index: number) => string;
  /** The day column as `YYYY-MM-DD` text. */
  dayText: string;
  /** A parameter holding a `YYYY-MM-DD` day, as the day column compares with it. */
  dayParameter: (placeholder: string) => string;
  /** Makes a text column order by code point (UTF-8 bytes), e.g. ` COLLATE "C"`; `''` where that is the default. */
  byteOrder: string;
}

const COLUMN: Record<SpendDimension, string> = { key: 'principal', team: 'team', route: 'route', deployment: 'deployment', model: 'model', day: 'day' };

/** The statement and its parameters; assumes a query that passed assertValidSpendQuery. */
export function spendSql(query: SpendQuery, dialect: SpendSqlDialect): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const parameter = (value: unknown): string => {
    params.push(value);
    return dialect.placeholder(params.length);
  };

  const conditions: string[] = [];
  if (query.since !== undefined) conditions.push(`day >= ${dialect.dayParameter(parameter(query.since))}`);
  if (query.until !== undefined) conditions.push(`day <= ${dialect.dayParameter(parameter(query.until))}`);
  for (const [dimension, value] of Object.entries(query.filter ?? {})) {
    if (value !== undefined) conditions.push(`${COLUMN[dimension as SpendDimension]} = ${parameter(value)}`);
  }

  const groups = query.groupBy.map((dimension) => COLUMN[dimension]);
  const selected = query.groupBy.map((dimension) => `${dimension === 'day' ? dialect.dayText : COLUMN[dimension]} AS "${dimension}"`);
  const order = query.groupBy.map((dimension) => (dimension === 'day' ? 'day' : `${COLUMN[dimension]}${dialect.byteOrder}`));
  const sql = [
    `SELECT ${[...selected, 'SUM(requests) AS requests, SUM(errors) AS errors, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cost_usd) AS cost'].join(', ')}`,
    `FROM ${dialect.table}`,
    conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '',
    groups.length > 0 ? `GROUP BY ${groups.join(', ')}` : '',
    // Without groups, an aggregate over nothing is still one row: a report over nothing has none.
    'HAVING COUNT(*) > 0',
    `ORDER BY ${['cost DESC', ...order].join(', ')}`,
    query.limit !== undefined ? `LIMIT ${parameter(query.limit)}` : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
  return { sql, params };
}

/** A result row as either driver returns it (PostgreSQL's bigint and numeric sums arrive as text). */
export type SpendResultRow = Record<string, string | number | null>;

/** Turns a result row into a report row: numbers as numbers, `''` group values as `null`. */
export function toSpendRow(groupBy: readonly SpendDimension[], result: SpendResultRow): SpendRow {
  const row = emptySpendRow(
    groupBy,
    groupBy.map((dimension) => String(result[dimension])),
  );
  row.requests = Number(result.requests);
  row.errors = Number(result.errors);
  row.inputTokens = Number(result.input_tokens);
  row.outputTokens = Number(result.output_tokens);
  row.costUsd = Number(result.cost);
  return row;
}
