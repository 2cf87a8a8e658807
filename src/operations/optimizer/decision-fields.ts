/**
 * An auto decision in the cost-optimiser API's words (snake case, the seed design's field
 * names). A route that is not routed by `auto` has no decision: its fields are `null` and
 * `strategy_used` names the route's own strategy.
 */
import type { AutoDecision, LedgerAuto } from '../../routing/auto/types';

/** What predicted quality: `complexity` or `learning` (hybrid reports the one it trusted), else the route's strategy. */
export function strategyUsed(auto: Pick<AutoDecision | LedgerAuto, 'decidedBy'> | undefined, routeStrategy: string): string {
  return auto?.decidedBy ?? routeStrategy;
}

export interface ComplexityMetadata {
  /** In [0, 1]. */
  score: number;
  pattern: string;
}

export function complexityMetadata(auto: AutoDecision | undefined): ComplexityMetadata | null {
  return auto ? { score: auto.complexity, pattern: auto.pattern } : null;
}

export interface CandidateView {
  deployment: string;
  model: string;
  predicted_quality: number;
  estimated_cost: number;
}

/** The decision itself: mode, what decided, how sure, the floor, every candidate, the reason. */
export interface DecisionView {
  mode: string;
  decided_by: string;
  validation: string | null;
  confidence: number;
  confidence_level: string;
  quality_floor: number;
  max_cost: number | null;
  candidates: CandidateView[];
  reason: string;
}

export function decisionView(auto: AutoDecision | undefined): DecisionView | null {
  if (auto === undefined) return null;
  return {
    mode: auto.mode,
    decided_by: auto.decidedBy,
    validation: auto.validation ?? null,
    confidence: auto.confidence.score,
    confidence_level: auto.confidence.level,
    quality_floor: auto.qualityFloor,
    max_cost: auto.maxCostUsd ?? null,
    candidates: auto.candidates.map((candidate) => ({
      deployment: candidate.deployment,
      model: candidate.model,
      predicted_quality: candidate.quality,
      estimated_cost: candidate.costUsd,
    })),
    reason: auto.reason,
  };
}
