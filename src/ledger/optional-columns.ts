/**
 * The ledger's nullable text columns, shared by the SQL stores: NULL becomes an absent field
 * (not an `undefined` one), so an entry read back equals the entry written. The auto decision
 * is one JSON text column (`auto`): it is read whole or not at all, never queried by part.
 */
import type { LedgerAuto } from '../routing/auto/types';
import type { CacheHitKind, LedgerEntry } from './types';

export interface OptionalColumns {
  principal: string | null;
  team: string | null;
  deployment: string | null;
  model: string | null;
  ttft_ms: number | null;
  error_code: string | null;
  finish_reason: string | null;
  decision_reason: string | null;
  strategy: string | null;
  variant: string | null;
  fallback_tier: string | null;
  hedge: string | null;
  auto: string | null;
  cache_hit: string | null;
  cost_saved_usd: number | null;
}

/** Sets on `entry` the fields whose columns are not NULL. */
export function readOptionalColumns(entry: LedgerEntry, row: OptionalColumns): LedgerEntry {
  if (row.principal !== null) entry.principal = row.principal;
  if (row.team !== null) entry.team = row.team;
  if (row.deployment !== null) entry.deployment = row.deployment;
  if (row.model !== null) entry.model = row.model;
  if (row.ttft_ms !== null) entry.ttftMs = row.ttft_ms;
  if (row.error_code !== null) entry.errorCode = row.error_code;
  if (row.finish_reason !== null) entry.finishReason = row.finish_reason;
  if (row.decision_reason !== null) entry.decisionReason = row.decision_reason;
  if (row.strategy !== null) entry.strategy = row.strategy;
  if (row.variant !== null) entry.variant = row.variant;
  if (row.fallback_tier !== null) entry.fallbackTier = row.fallback_tier;
  if (row.hedge !== null) entry.hedge = row.hedge;
  if (row.auto !== null) entry.auto = JSON.parse(row.auto) as LedgerAuto;
  if (row.cache_hit !== null) entry.cacheHit = row.cache_hit as CacheHitKind;
  if (row.cost_saved_usd !== null) entry.costSavedUsd = row.cost_saved_usd;
  return entry;
}

/** The `auto` column's value: the decision as JSON text, or NULL. */
export function autoColumn(entry: LedgerEntry): string | null {
  return entry.auto === undefined ? null : JSON.stringify(entry.auto);
}
