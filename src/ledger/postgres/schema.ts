/**
 * The PostgreSQL ledger's tables, in a schema of the caller's choosing (other Junction stores
 * may share it, hence the `ledger_` prefix), and the versioned migrations that create them.
 * The version is kept in `ledger_schema_version`; a process that finds a newer version than it
 * knows refuses to write rather than guess.
 */
import type { PoolClient } from 'pg';
import { createSchemaIfMissing, quoteIdentifier } from './create-schema';

/** Names of the ledger's objects, quoted and qualified by schema. */
export interface LedgerTables {
  schema: string;
  requests: string;
  dailyTotals: string;
  version: string;
}

export function ledgerTables(schema: string): LedgerTables {
  const quoted = quoteIdentifier(schema);
  return {
    schema: quoted,
    requests: `${quoted}.ledger_requests`,
    dailyTotals: `${quoted}.ledger_daily_totals`,
    version: `${quoted}.ledger_schema_version`,
  };
}

/**
 * Each migration, in order; the schema's version is how many have run. Never edit one that has
 * shipped: add the next.
 */
const MIGRATIONS: Array<(tables: LedgerTables) => string> = [
  // 1. Requests, keyed by the writer that recorded them and its sequence number: a spooled batch
  //    replayed after an outage, or a batch whose commit was never acknowledged and so was sent
  //    again, cannot land twice (the request id cannot serve: a caller may reuse its own).
  //    Daily totals per group, with '' for a value an entry lacked (NULLs never conflict), for
  //    the spend reports; kept forever, while retention trims the requests.
  ({ requests, dailyTotals }) => `
CREATE TABLE ${requests} (
  writer              uuid NOT NULL,
  seq                 bigint NOT NULL,
  request_id          text NOT NULL,
  ts                  bigint NOT NULL,
  principal           text,
  team                text,
  route               text NOT NULL,
  ingress             text NOT NULL,
  endpoint            text NOT NULL,
  stream              boolean NOT NULL,
  deployment          text,
  model               text,
  attempts            text NOT NULL,
  input_tokens        bigint NOT NULL,
  output_tokens       bigint NOT NULL,
  cached_input_tokens bigint NOT NULL,
  reasoning_tokens    bigint NOT NULL,
  cost_usd            double precision NOT NULL,
  latency_ms          double precision NOT NULL,
  ttft_ms             double precision,
  status              integer NOT NULL,
  error_code          text,
  finish_reason       text,
  decision_reason     text,
  strategy            text,
  variant             text,
  fallback_tier       text,
  hedge               text,
  PRIMARY KEY (writer, seq)
);
-- Newest first, ties latest-recorded first (see the query in postgres-ledger.ts); also retention's range.
CREATE INDEX ledger_requests_ts ON ${requests} (ts, writer, seq);
CREATE INDEX ledger_requests_route_ts ON ${requests} (route, ts);
CREATE INDEX ledger_requests_request_id ON ${requests} (request_id);
CREATE TABLE ${dailyTotals} (
  day           date NOT NULL,
  principal     text NOT NULL,
  team          text NOT NULL,
  route         text NOT NULL,
  deployment    text NOT NULL,
  model         text NOT NULL,
  requests      bigint NOT NULL,
  errors        bigint NOT NULL,
  input_tokens  bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cost_usd      double precision NOT NULL,
  PRIMARY KEY (day, principal, team, route, deployment, model)
);
-- Reports for one key or one team over a range of days.
CREATE INDEX ledger_daily_totals_principal_day ON ${dailyTotals} (principal, day);
CREATE INDEX ledger_daily_totals_team_day ON ${dailyTotals} (team, day);`,
  // 2. The auto-router's decision, as JSON text: read whole with its row, never queried by part.
  ({ requests }) => `ALTER TABLE ${requests} ADD COLUMN auto text;`,
  // 3. Answers from the response cache, and what they would have cost.
  ({ requests }) => `ALTER TABLE ${requests} ADD COLUMN cache_hit text; ALTER TABLE ${requests} ADD COLUMN cost_saved_usd double precision;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the schema up to date, creating it if needed. Runs in one transaction under an
 * advisory lock, so replicas starting together migrate once, one after the other.
 */
export async function migrate(client: PoolClient, schemaName: string): Promise<void> {
  const tables = ledgerTables(schemaName);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`junction.ledger:${schemaName}`]);
    await createSchemaIfMissing(client, schemaName);
    await client.query(`CREATE TABLE IF NOT EXISTS ${tables.version} (version integer NOT NULL)`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${tables.version}`);
    const version = rows[0]?.version ?? 0;
    if (version > SCHEMA_VERSION) {
      throw new Error(`ledger schema version ${version} in ${tables.schema} is newer than this Junction understands (${SCHEMA_VERSION})`);
    }
    for (const migration of MIGRATIONS.slice(version)) await client.query(migration(tables));
    if (rows.length === 0) await client.query(`INSERT INTO ${tables.version} (version) VALUES ($1)`, [SCHEMA_VERSION]);
    else if (version < SCHEMA_VERSION) await client.query(`UPDATE ${tables.version} SET version = $1`, [SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
