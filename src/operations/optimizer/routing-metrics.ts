/**
 * What auto-routing saved, from the ledger: for every request the auto strategy decided in the
 * period, its recorded cost (`intelligent_cost`) against what its recorded tokens would have
 * cost on the baseline deployment (`baseline_cost`), with the same totals by the strategy that
 * decided and by confidence level. Pure: entries and prices in, figures out.
 */
import { costOf } from '../../routing/cost';
import type { Pricing } from '../../routing/catalog';
import type { LedgerEntry } from '../../ledger/types';
import type { LedgerAuto } from '../../routing/auto/types';

export interface SavingsView {
  total_saved: number;
  /** Share of the baseline cost saved, in percent (0 when the baseline cost is 0). */
  percent_saved: number;
  intelligent_cost: number;
  baseline_cost: number;
  period_days: number;
}

export interface GroupView {
  requests: number;
  cost: number;
  baseline_cost: number;
  saved: number;
}

export interface RoutingMetricsView {
  baseline: { deployment: string; model: string };
  cost_savings: SavingsView;
  /** By what predicted quality (`complexity`, `learning`), each with its requests per configured mode. */
  by_strategy: Record<string, GroupView & { modes: Record<string, number> }>;
  /** By confidence level (`high`, `medium`, `low`), with the mean confidence score. */
  by_confidence: Record<string, GroupView & { mean_confidence: number }>;
}

export interface Baseline {
  deployment: string;
  model: string;
  pricing: Pricing;
}

/** What one auto-routed entry's tokens would have cost on the baseline. */
export function baselineCostOf(entry: LedgerEntry, pricing: Pricing): number {
  return costOf({ inputTokens: entry.inputTokens, outputTokens: entry.outputTokens, cachedInputTokens: entry.cachedInputTokens }, pricing);
}

export function routingMetrics(entries: readonly LedgerEntry[], baseline: Baseline, days: number): RoutingMetricsView {
  let intelligent = 0;
  let baselineTotal = 0;
  const byStrategy: RoutingMetricsView['by_strategy'] = {};
  const byConfidence: RoutingMetricsView['by_confidence'] = {};
  const confidenceSums: Record<string, number> = {};
  for (const entry of entries) {
    const auto: LedgerAuto | undefined = entry.auto;
    if (auto === undefined) continue;
    const cost = entry.costUsd;
    const wouldCost = baselineCostOf(entry, baseline.pricing);
    intelligent += cost;
    baselineTotal += wouldCost;
    const strategy = (byStrategy[auto.decidedBy] ??= { ...emptyGroup(), modes: {} });
    addTo(strategy, cost, wouldCost);
    strategy.modes[auto.mode] = (strategy.modes[auto.mode] ?? 0) + 1;
    addTo((byConfidence[auto.confidenceLevel] ??= { ...emptyGroup(), mean_confidence: 0 }), cost, wouldCost);
    confidenceSums[auto.confidenceLevel] = (confidenceSums[auto.confidenceLevel] ?? 0) + auto.confidence;
  }
  for (const [level, group] of Object.entries(byConfidence)) group.mean_confidence = confidenceSums[level]! / group.requests;
  const saved = baselineTotal - intelligent;
  return {
    baseline: { deployment: baseline.deployment, model: baseline.model },
    cost_savings: {
      total_saved: saved,
      percent_saved: baselineTotal > 0 ? (saved / baselineTotal) * 100 : 0,
      intelligent_cost: intelligent,
      baseline_cost: baselineTotal,
      period_days: days,
    },
    by_strategy: byStrategy,
    by_confidence: byConfidence,
  };
}

function emptyGroup(): GroupView {
  return { requests: 0, cost: 0, baseline_cost: 0, saved: 0 };
}

function addTo(group: GroupView, cost: number, wouldCost: number): void {
  group.requests += 1;
  group.cost += cost;
  group.baseline_cost += wouldCost;
  group.saved += wouldCost - cost;
}
