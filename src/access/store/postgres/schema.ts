/**
 * The PostgreSQL access store's tables, in a schema of the operator's choosing, and the
 * migrations that create them. Its own schema version lives in its own one-row table
 * (`access_schema`), so other components may keep their tables in the same schema.
 */
import type { PoolClient } from 'pg';
import { createSchemaIfMissing } from '../../../ledger/postgres/create-schema';

/** Bumped with every schema change; kept in `access_schema`. */
export const ACCESS_PG_SCHEMA_VERSION = 1;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The schema name, quoted for SQL; refuses anything but a plain identifier. */
export function quotedSchema(schema: string): string {
  if (!IDENTIFIER.test(schema)) throw new Error(`access store schema must be a plain SQL identifier (letters, digits, _), not ${JSON.stringify(schema)}`);
  return `"${schema}"`;
}

/**
 * Times and versions are bigint (Unix ms; versions a counter); nested fields are jsonb. The
 * one-row `access_version` counter is what versions come from (see postgres-access-store.ts).
 */
const tables = (s: string): string => `
CREATE TABLE ${s}.keys (
  id         text PRIMARY KEY,
  prefix     text NOT NULL,
  hash       text NOT NULL,
  name       text NOT NULL,
  team       text,
  tier       text NOT NULL,
  routes     jsonb NOT NULL,
  scopes     jsonb NOT NULL,
  expires_at bigint,
  metadata   jsonb NOT NULL,
  limits     jsonb NOT NULL,
  budgets    jsonb NOT NULL,
  created_at bigint NOT NULL,
  revoked_at bigint,
  source     text NOT NULL,
  version    bigint NOT NULL
);
CREATE UNIQUE INDEX keys_hash ON ${s}.keys (hash);
CREATE INDEX keys_version ON ${s}.keys (version);
CREATE INDEX keys_team ON ${s}.keys (team);
CREATE TABLE ${s}.teams (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  metadata   jsonb NOT NULL,
  limits     jsonb NOT NULL,
  budgets    jsonb NOT NULL,
  created_at bigint NOT NULL,
  source     text NOT NULL,
  version    bigint NOT NULL
);
CREATE INDEX teams_version ON ${s}.teams (version);
CREATE TABLE ${s}.audit (
  id      bigserial PRIMARY KEY,
  at      bigint NOT NULL,
  actor   text NOT NULL,
  action  text NOT NULL,
  target  text NOT NULL,
  details jsonb
);
CREATE INDEX audit_at ON ${s}.audit (at);
CREATE INDEX audit_target_at ON ${s}.audit (target, at);
CREATE TABLE ${s}.access_version (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  value    bigint NOT NULL
);
INSERT INTO ${s}.access_version (value) VALUES (0);
`;

/**
 * Creates the schema and tables on first use and refuses a schema written by a newer
 * version. Replicas starting together take turns (a transaction-scoped advisory lock per
 * schema), so exactly one creates the tables.
 */
export async function migrate(client: PoolClient, schema: string): Promise<void> {
  const s = quotedSchema(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`junction-access:${schema}`]);
    await createSchemaIfMissing(client, schema);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.access_schema (version integer NOT NULL)`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.access_schema`);
    const version = rows[0]?.version ?? 0;
    if (version > ACCESS_PG_SCHEMA_VERSION) {
      throw new Error(`access store schema version ${version} in ${schema} is newer than this Junction understands (${ACCESS_PG_SCHEMA_VERSION})`);
    }
    if (version === 0) {
      await client.query(tables(s));
      await client.query(`INSERT INTO ${s}.access_schema (version) VALUES ($1)`, [ACCESS_PG_SCHEMA_VERSION]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
