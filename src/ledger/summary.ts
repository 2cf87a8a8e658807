/**
 * Spend and volume totals over ledger entries, by route and by deployment. Pure: the spend
 * endpoint queries the ledger and hands the entries here.
 */
import type { LedgerEntry } from './types';

/** Totals over a set of requests (or, per deployment, of attempts). */
export interface LedgerTotals {
  requests: number;
  /** Requests answered with a status of 400 or more; for a deployment, attempts that did not succeed. */
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface LedgerSummary {
  total: LedgerTotals;
  /** Costliest first, then by name. */
  routes: Array<LedgerTotals & { route: string }>;
  /**
   * Counted per attempt, not per request: a fallback's failed attempts still cost their
   * deployment money. Requests with no attempt (rejected before routing) appear under no
   * deployment. Costliest first, then by name.
   */
  deployments: Array<LedgerTotals & { deployment: string }>;
}

export function summariseLedger(entries: LedgerEntry[]): LedgerSummary {
  const total = emptyTotals();
  const routes = new Map<string, LedgerTotals>();
  const deployments = new Map<string, LedgerTotals>();

  for (const entry of entries) {
    const failed = entry.status >= 400;
    add(total, failed, entry.inputTokens, entry.outputTokens, entry.costUsd);
    add(totalsFor(routes, entry.route), failed, entry.inputTokens, entry.outputTokens, entry.costUsd);
    for (const attempt of entry.attempts) {
      const totals = totalsFor(deployments, attempt.deployment);
      add(totals, attempt.outcome !== 'success', attempt.inputTokens, attempt.outputTokens, attempt.costUsd);
    }
  }

  return {
    total,
    routes: ranked(routes).map(([route, totals]) => ({ route, ...totals })),
    deployments: ranked(deployments).map(([deployment, totals]) => ({ deployment, ...totals })),
  };
}

function emptyTotals(): LedgerTotals {
  return { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
}

function totalsFor(byName: Map<string, LedgerTotals>, name: string): LedgerTotals {
  let totals = byName.get(name);
  if (totals === undefined) {
    totals = emptyTotals();
    byName.set(name, totals);
  }
  return totals;
}

function add(totals: LedgerTotals, failed: boolean, inputTokens: number, outputTokens: number, costUsd: number): void {
  totals.requests += 1;
  if (failed) totals.errors += 1;
  totals.inputTokens += inputTokens;
  totals.outputTokens += outputTokens;
  totals.costUsd += costUsd;
}

function ranked(byName: Map<string, LedgerTotals>): Array<[string, LedgerTotals]> {
  return [...byName].sort(([nameA, a], [nameB, b]) => b.costUsd - a.costUsd || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0));
}
