/**
 * The SQLite ledger's schema and the mapping between ledger entries and rows. Columns are
 * typed so that spend and latency can be queried with plain SQL; only the attempts list, whose
 * shape is nested, is JSON text.
 */
import type { Database } from 'better-sqlite3';
import { END_OF_DATED_MS, FIRST_DATED_MS } from '../calendar-day';
import { autoColumn, readOptionalColumns, type OptionalColumns } from '../optional-columns';
import type { AttemptRecord, LedgerEntry } from '../types';
import type { RowValue } from './row-codec.mjs';

/** Bumped with every schema change; kept in `PRAGMA user_version`. */
export const SCHEMA_VERSION = 6;

/** The columns of version 3, which the move to version 3 copies. */
const V3_COLUMNS = [
  'request_id', 'ts', 'principal', 'route', 'ingress', 'endpoint', 'stream', 'deployment', 'attempts',
  'input_tokens', 'output_tokens', 'cached_input_tokens', 'reasoning_tokens', 'cost_usd',
  'latency_ms', 'ttft_ms', 'status', 'error_code', 'finish_reason', 'decision_reason',
  'strategy', 'variant', 'fallback_tier', 'hedge',
] as const;

/** The columns a write fills, in the order a row's values come in. */
export const COLUMNS = [...V3_COLUMNS, 'team', 'model', 'auto', 'cache_hit', 'cost_saved_usd'] as const;

/** Columns added by versions 4 to 6, last in the table as ALTER TABLE puts them. */
const LATER_REQUEST_COLUMNS = `,
  team                TEXT,
  model               TEXT,
  auto                TEXT,
  cache_hit           TEXT,
  cost_saved_usd      REAL`;

/**
 * The requests table under a given name. Rows are keyed by the order they were recorded in
 * (`id`, SQLite's rowid), not by request id: the request id may be the caller's own
 * `x-request-id`, and a caller that sends one twice has still made two requests.
 */
const requestsTable = (name: string, laterColumns = ''): string => `
CREATE TABLE ${name} (
  id                  INTEGER PRIMARY KEY,
  request_id          TEXT NOT NULL,
  ts                  INTEGER NOT NULL,
  principal           TEXT,
  route               TEXT NOT NULL,
  ingress             TEXT NOT NULL,
  endpoint            TEXT NOT NULL,
  stream              INTEGER NOT NULL,
  deployment          TEXT,
  attempts            TEXT NOT NULL,
  input_tokens        INTEGER NOT NULL,
  output_tokens       INTEGER NOT NULL,
  cached_input_tokens INTEGER NOT NULL,
  reasoning_tokens    INTEGER NOT NULL,
  cost_usd            REAL NOT NULL,
  latency_ms          REAL NOT NULL,
  ttft_ms             REAL,
  status              INTEGER NOT NULL,
  error_code          TEXT,
  finish_reason       TEXT,
  decision_reason     TEXT,
  strategy            TEXT,
  variant             TEXT,
  fallback_tier       TEXT,
  hedge               TEXT${laterColumns}
);`;

const INDEXES = `
CREATE INDEX requests_request_id ON requests (request_id);
CREATE INDEX requests_ts ON requests (ts);
CREATE INDEX requests_route_ts ON requests (route, ts);
`;

/**
 * Totals per calendar day (in the ledger's time zone) and group, which spend reports read
 * instead of the requests. A group value an entry did not have is `''`, so that the key is
 * unique (NULLs never conflict). Kept in step by the worker, in the transaction of each batch.
 */
const DAILY_TOTALS = `
CREATE TABLE daily_totals (
  day           TEXT NOT NULL,
  principal     TEXT NOT NULL,
  team          TEXT NOT NULL,
  route         TEXT NOT NULL,
  deployment    TEXT NOT NULL,
  model         TEXT NOT NULL,
  requests      INTEGER NOT NULL,
  errors        INTEGER NOT NULL,
  input_tokens  INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd      REAL NOT NULL,
  PRIMARY KEY (day, principal, team, route, deployment, model)
) WITHOUT ROWID;
CREATE INDEX daily_totals_principal_day ON daily_totals (principal, day);
`;

/**
 * Adds the requests with `id` above the parameter to the daily totals. `ledger_day(ts)` is an
 * application function (see calendar-day.ts) that every connection running this registers;
 * entries outside the dated range count in no day. The unary `+` keeps SQLite from reading the
 * whole table through the `ts` index (the range looks selective): the new rows are found by `id`.
 */
export const ADD_TO_DAILY_TOTALS = `
INSERT INTO daily_totals (day, principal, team, route, deployment, model, requests, errors, input_tokens, output_tokens, cost_usd)
SELECT ledger_day(ts), COALESCE(principal, ''), COALESCE(team, ''), route, COALESCE(deployment, ''), COALESCE(model, ''),
       COUNT(*), SUM(status >= 400), SUM(input_tokens), SUM(output_tokens), SUM(cost_usd)
FROM requests
WHERE id > ? AND +ts >= ${FIRST_DATED_MS} AND +ts < ${END_OF_DATED_MS}
GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (day, principal, team, route, deployment, model) DO UPDATE SET
  requests = requests + excluded.requests,
  errors = errors + excluded.errors,
  input_tokens = input_tokens + excluded.input_tokens,
  output_tokens = output_tokens + excluded.output_tokens,
  cost_usd = cost_usd + excluded.cost_usd`;

/** Version 2 records how each request was routed. */
const MIGRATE_1_TO_2 = `
ALTER TABLE requests ADD COLUMN strategy TEXT;
ALTER TABLE requests ADD COLUMN variant TEXT;
ALTER TABLE requests ADD COLUMN fallback_tier TEXT;
ALTER TABLE requests ADD COLUMN hedge TEXT;
`;

/**
 * Version 3 keys rows by `id` instead of `request_id`. SQLite cannot change a primary key in
 * place, so the rows move to a new table; each keeps its rowid as its `id`, so the order
 * they were recorded in (which breaks timestamp ties in queries) is unchanged.
 */
const MIGRATE_2_TO_3 = `
${requestsTable('requests_v3')}
INSERT INTO requests_v3 (id, ${V3_COLUMNS.join(', ')}) SELECT rowid, ${V3_COLUMNS.join(', ')} FROM requests;
DROP TABLE requests;
ALTER TABLE requests_v3 RENAME TO requests;
${INDEXES}`;

/** Version 4 records the caller's team and the answering model, and keeps daily totals, built here from the rows already stored. */
const MIGRATE_3_TO_4 = `
ALTER TABLE requests ADD COLUMN team TEXT;
ALTER TABLE requests ADD COLUMN model TEXT;
${DAILY_TOTALS}`;

/** Version 5 keeps the auto-router's decision, as JSON text (read whole, never queried by part). */
const MIGRATE_4_TO_5 = `
ALTER TABLE requests ADD COLUMN auto TEXT;`;

/** Version 6 marks answers from the response cache and what they would have cost. */
const MIGRATE_5_TO_6 = `
ALTER TABLE requests ADD COLUMN cache_hit TEXT;
ALTER TABLE requests ADD COLUMN cost_saved_usd REAL;`;

/**
 * Creates the schema on a new file, upgrades an older one, and refuses a file written by a
 * newer schema. The caller registers `ledger_day` first: the move to version 4 uses it.
 */
export function migrate(db: Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`ledger schema version ${version} is newer than this Junction understands (${SCHEMA_VERSION})`);
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    if (version === 0) {
      db.exec(requestsTable('requests', LATER_REQUEST_COLUMNS) + INDEXES + DAILY_TOTALS);
    } else {
      if (version === 1) db.exec(MIGRATE_1_TO_2);
      if (version <= 2) db.exec(MIGRATE_2_TO_3);
      if (version <= 3) {
        db.exec(MIGRATE_3_TO_4);
        db.prepare(ADD_TO_DAILY_TOTALS).run(Number.MIN_SAFE_INTEGER);
      }
      if (version <= 4) db.exec(MIGRATE_4_TO_5);
      db.exec(MIGRATE_5_TO_6);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/**
 * Every record is a new row, whatever its request id. Parameters are positional: rows cross to
 * the worker as encoded arrays of values (row-codec.mjs).
 */
export const INSERT_ENTRY = `INSERT INTO requests (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;

/** One row to write: its values in {@link COLUMNS} order. */
export type RowValues = RowValue[];

/** One `requests` row as better-sqlite3 binds and returns it. */
export interface RequestRow extends OptionalColumns {
  /** Order recorded in; not part of the entry. */
  id: number;
  request_id: string;
  ts: number;
  route: string;
  ingress: string;
  endpoint: string;
  stream: number;
  attempts: string;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  latency_ms: number;
  status: number;
}

/** An entry as the values of its row, in column order. */
export function toRowValues(entry: LedgerEntry): RowValues {
  return [
    entry.requestId,
    entry.timestamp,
    entry.principal ?? null,
    entry.route,
    entry.ingress,
    entry.endpoint,
    entry.stream ? 1 : 0,
    entry.deployment ?? null,
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
    entry.team ?? null,
    entry.model ?? null,
    autoColumn(entry),
    entry.cacheHit ?? null,
    entry.costSavedUsd ?? null,
  ];
}

/** NULL columns become absent fields, not `undefined` ones, so entries round-trip exactly. */
export function fromRow(row: RequestRow): LedgerEntry {
  const entry: LedgerEntry = {
    requestId: row.request_id,
    timestamp: row.ts,
    route: row.route,
    ingress: row.ingress as LedgerEntry['ingress'],
    endpoint: row.endpoint as LedgerEntry['endpoint'],
    stream: row.stream === 1,
    attempts: JSON.parse(row.attempts) as AttemptRecord[],
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cachedInputTokens: row.cached_input_tokens,
    reasoningTokens: row.reasoning_tokens,
    costUsd: row.cost_usd,
    latencyMs: row.latency_ms,
    status: row.status,
  };
  return readOptionalColumns(entry, row);
}
