/**
 * Creating a PostgreSQL schema that several processes may create at once. `CREATE SCHEMA IF NOT
 * EXISTS` is not safe against itself: two transactions that both find the name free both insert
 * it into `pg_namespace`, and the one that commits second fails with a unique violation
 * (23505) instead of finding the schema there. Replicas starting together do exactly that, and
 * so do the ledger and the access store of one replica, which migrate their tables in the same
 * schema under advisory locks of their own. Every Junction component creates its schema here,
 * under one lock per schema name, so the creators take turns and each later one finds it made.
 */
import type { ClientBase } from 'pg';

/** Quotes an identifier for SQL (a schema name comes from config, not from code). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Creates `schema` unless it exists. Call it inside the caller's transaction: the lock is
 * transaction-scoped, so a second creator waits until the first has committed (and then sees
 * the schema) or rolled back (and then creates it). Callers that hold a lock of their own take
 * this one after it and no other after this, so no two of them can wait on each other.
 */
export async function createSchemaIfMissing(client: ClientBase, schema: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`junction.schema:${schema}`]);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
}
