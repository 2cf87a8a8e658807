/**
 * The auto-router's vocabulary: what a decision says about itself (mode, what decided, how sure,
 * the prompt's pattern and complexity, each candidate's predicted quality and cost, a reason),
 * and the compact part of it the ledger keeps.
 */
import type { PromptPattern } from './complexity';

/** How a route's auto strategy predicts quality: by the prompt's complexity, by the learned model, or the learned model checked by complexity. */
export type AutoMode = 'complexity' | 'learning' | 'hybrid';

export const AUTO_MODES: readonly AutoMode[] = ['complexity', 'learning', 'hybrid'];

export type ConfidenceLevel = 'high' | 'medium' | 'low';

export interface Confidence {
  level: ConfidenceLevel;
  /** In [0, 1]. */
  score: number;
}

/** One candidate as the decision saw it. */
export interface CandidateEstimate {
  deployment: string;
  model: string;
  /** Predicted quality in [0, 1] (probability of an answer good enough). */
  quality: number;
  /** Expected USD cost of this request on it. */
  costUsd: number;
  /** learning: the learned model's own prediction, before what feedback taught moved it; feedback is scored against this. */
  modelQuality?: number;
}

export interface AutoDecision {
  /** The route's configured mode. */
  mode: AutoMode;
  /** What actually predicted quality: hybrid reports which one it trusted. */
  decidedBy: 'complexity' | 'learning';
  /** Hybrid only: the learned choice was confirmed by complexity, or complexity took over. */
  validation?: 'validated' | 'fallback';
  confidence: Confidence;
  pattern: PromptPattern;
  /** The complexity score in [0, 1]. */
  complexity: number;
  /** The quality the choice had to reach (route default, or the request's header). */
  qualityFloor: number;
  /** The request's cost ceiling, when it set one. */
  maxCostUsd?: number;
  /** Every candidate, in the order the plan tries them: the first is the choice. */
  candidates: CandidateEstimate[];
  /** One line: why this choice. */
  reason: string;
}

/** What the ledger keeps of an auto decision (one row per request, so small). */
export interface LedgerAuto {
  mode: AutoMode;
  decidedBy: 'complexity' | 'learning';
  validation?: 'validated' | 'fallback';
  confidence: number;
  confidenceLevel: ConfidenceLevel;
  pattern: PromptPattern;
  complexity: number;
  /** The chosen candidate's predicted quality and cost. */
  predictedQuality: number;
  predictedCostUsd: number;
  /** learning: the chosen candidate's quality by the learned model alone (see CandidateEstimate). */
  modelQuality?: number;
  /** Every candidate's prediction, in plan order (the decision's reason is the row's decision reason). */
  candidates: Array<{ deployment: string; quality: number; costUsd: number }>;
}

export function ledgerAuto(decision: AutoDecision): LedgerAuto {
  const chosen = decision.candidates[0];
  return {
    mode: decision.mode,
    decidedBy: decision.decidedBy,
    ...(decision.validation ? { validation: decision.validation } : {}),
    confidence: decision.confidence.score,
    confidenceLevel: decision.confidence.level,
    pattern: decision.pattern,
    complexity: decision.complexity,
    predictedQuality: chosen?.quality ?? 0,
    predictedCostUsd: chosen?.costUsd ?? 0,
    ...(chosen?.modelQuality === undefined ? {} : { modelQuality: chosen.modelQuality }),
    candidates: decision.candidates.map(({ deployment, quality, costUsd }) => ({ deployment, quality, costUsd })),
  };
}
