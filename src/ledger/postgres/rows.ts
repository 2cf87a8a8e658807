/**
 * Ledger entries as PostgreSQL rows. An entry becomes a plain array of column values as it is
 * recorded (the same work the SQLite ledger does before encoding: the attempts list is turned
 * to JSON text once, here, and never parsed again until read); a batch becomes one array
 * literal per column, so a multi-row INSERT is one statement with a fixed number of parameters
 * (`unnest`), prepared once per connection.
 */
import { autoColumn, readOptionalColumns, type OptionalColumns } from '../optional-columns';
import type { AttemptRecord, LedgerEntry } from '../types';

type ColumnKind = 'int8' | 'int4' | 'float8' | 'text' | 'bool';

/** The columns a write fills after `writer`, in the order of a row's values. */
export const COLUMNS: ReadonlyArray<{ name: string; kind: ColumnKind; nullable?: true }> = [
  { name: 'seq', kind: 'int8' },
  { name: 'request_id', kind: 'text' },
  { name: 'ts', kind: 'int8' },
  { name: 'principal', kind: 'text', nullable: true },
  { name: 'team', kind: 'text', nullable: true },
  { name: 'route', kind: 'text' },
  { name: 'ingress', kind: 'text' },
  { name: 'endpoint', kind: 'text' },
  { name: 'stream', kind: 'bool' },
  { name: 'deployment', kind: 'text', nullable: true },
  { name: 'model', kind: 'text', nullable: true },
  { name: 'attempts', kind: 'text' },
  { name: 'input_tokens', kind: 'int8' },
  { name: 'output_tokens', kind: 'int8' },
  { name: 'cached_input_tokens', kind: 'int8' },
  { name: 'reasoning_tokens', kind: 'int8' },
  { name: 'cost_usd', kind: 'float8' },
  { name: 'latency_ms', kind: 'float8' },
  { name: 'ttft_ms', kind: 'float8', nullable: true },
  { name: 'status', kind: 'int4' },
  { name: 'error_code', kind: 'text', nullable: true },
  { name: 'finish_reason', kind: 'text', nullable: true },
  { name: 'decision_reason', kind: 'text', nullable: true },
  { name: 'strategy', kind: 'text', nullable: true },
  { name: 'variant', kind: 'text', nullable: true },
  { name: 'fallback_tier', kind: 'text', nullable: true },
  { name: 'hedge', kind: 'text', nullable: true },
  { name: 'auto', kind: 'text', nullable: true },
  { name: 'cache_hit', kind: 'text', nullable: true },
  { name: 'cost_saved_usd', kind: 'float8', nullable: true },
];

/** One row's values in {@link COLUMNS} order. Plain JSON values, so a batch can be spooled as it is. */
export type PgRow = Array<string | number | boolean | null>;

/** An entry as the values of its row, `seq` first. Throws only if the attempts cannot be JSON (a cycle, a bigint). */
export function toPgRow(seq: number, entry: LedgerEntry): PgRow {
  return [
    seq,
    entry.requestId,
    entry.timestamp,
    entry.principal ?? null,
    entry.team ?? null,
    entry.route,
    entry.ingress,
    entry.endpoint,
    entry.stream,
    entry.deployment ?? null,
    entry.model ?? null,
    JSON.stringify(entry.attempts),
    entry.inputTokens,
    entry.outputTokens,
    entry.cachedInputTokens,
    entry.reasoningTokens,
    entry.costUsd,
    entry.latencyMs,
    entry.ttftMs ?? null,
    entry.status,
    entry.errorCode ?? null,
    entry.finishReason ?? null,
    entry.decisionReason ?? null,
    entry.strategy ?? null,
    entry.variant ?? null,
    entry.fallbackTier ?? null,
    entry.hedge ?? null,
    autoColumn(entry),
    entry.cacheHit ?? null,
    entry.costSavedUsd ?? null,
  ];
}

const NEEDS_ESCAPE = /[\\"]/;
const ESCAPED = /[\\"]/g;

/**
 * Why a value cannot go in its column, or undefined if it can. Checked off the request path,
 * as the batch is written. PostgreSQL would take a NaN cost or a boolean spelled as text and
 * poison every total after it, so those are refused here; what PostgreSQL itself refuses (an
 * out-of-range status, a NUL character in text) fails the batch, which is then written row
 * by row to find the one to drop.
 */
function refusal(kind: ColumnKind, nullable: boolean, value: unknown): string | undefined {
  if (value === null) return nullable ? undefined : 'cannot be null';
  switch (kind) {
    case 'text':
      return typeof value === 'string' ? undefined : `cannot hold a ${typeof value}`;
    case 'bool':
      return typeof value === 'boolean' ? undefined : `cannot hold a ${typeof value}`;
    case 'float8':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `cannot hold ${String(value)}`;
    case 'int8':
    case 'int4':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : `cannot hold ${String(value)}`;
  }
}

/** One array literal per column (e.g. `{"a","b"}`), and the rows refused for their content, by index. */
export function toColumnLiterals(rows: readonly PgRow[]): { literals: string[]; accepted: number[]; refused: Array<{ index: number; error: TypeError }> } {
  const accepted: number[] = [];
  const refused: Array<{ index: number; error: TypeError }> = [];
  rows.forEach((row, index) => {
    for (let column = 0; column < COLUMNS.length; column += 1) {
      const { name, kind, nullable } = COLUMNS[column];
      // A row spooled by an older Junction lacks the columns added since: they are NULL.
      if (column >= row.length && nullable) row[column] = null;
      const reason = refusal(kind, nullable === true, row[column]);
      if (reason !== undefined) {
        refused.push({ index, error: new TypeError(`column ${name} ${reason}`) });
        return;
      }
    }
    accepted.push(index);
  });

  const literals = COLUMNS.map(({ kind }, column) => {
    const parts = new Array<string>(accepted.length);
    for (let at = 0; at < accepted.length; at += 1) {
      const value = rows[accepted[at]][column];
      if (value === null) parts[at] = 'NULL';
      else if (kind === 'text') {
        const text = value as string;
        parts[at] = `"${NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, '\\$&') : text}"`;
      } else if (kind === 'bool') parts[at] = value ? 't' : 'f';
      else parts[at] = String(value);
    }
    return `{${parts.join(',')}}`;
  });
  return { literals, accepted, refused };
}

/** The `unnest(...)` of a batch's column literals, starting at parameter `first`. */
export function unnestColumns(first: number): string {
  return `unnest(${COLUMNS.map(({ kind }, index) => `$${first + index}::${kind}[]`).join(', ')})`;
}

/** A `ledger_requests` row as node-postgres returns it: bigint columns arrive as text. */
export interface RequestRow extends OptionalColumns {
  request_id: string;
  ts: string;
  route: string;
  ingress: string;
  endpoint: string;
  stream: boolean;
  attempts: string;
  input_tokens: string;
  output_tokens: string;
  cached_input_tokens: string;
  reasoning_tokens: string;
  cost_usd: number;
  latency_ms: number;
  status: number;
}

/** NULL columns become absent fields, so entries round-trip exactly. */
export function fromRequestRow(row: RequestRow): LedgerEntry {
  const entry: LedgerEntry = {
    requestId: row.request_id,
    timestamp: Number(row.ts),
    route: row.route,
    ingress: row.ingress as LedgerEntry['ingress'],
    endpoint: row.endpoint as LedgerEntry['endpoint'],
    stream: row.stream,
    attempts: JSON.parse(row.attempts) as AttemptRecord[],
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cachedInputTokens: Number(row.cached_input_tokens),
    reasoningTokens: Number(row.reasoning_tokens),
    costUsd: row.cost_usd,
    latencyMs: row.latency_ms,
    status: row.status,
  };
  return readOptionalColumns(entry, row);
}
