/**
 * GET /recommendation and GET /routing/decision: what the optimiser's route would do with a
 * prompt now, from the same dry run as the decision preview (no upstream called, no state
 * changed). The recommendation always asks the hybrid mode; the decision asks the complexity
 * mode unless `auto_route` lets the route's own mode decide.
 */
import type { AutoMode } from '../../routing/auto/types';
import type { Operations } from '../index';
import type { DecisionPreview } from '../preview';
import { decisionView, strategyUsed, type DecisionView } from './decision-fields';
import type { Route } from '../../routing/catalog';
import { mayChooseMode, promptRequest } from './complete';

export interface DecisionMetadata {
  pattern: string | null;
  complexity: number | null;
  /** The chosen deployment's predicted quality, in [0, 1]. */
  quality_score: number | null;
  /** The chosen deployment's expected USD cost for this prompt. */
  cost_estimate: number | null;
  /** Hybrid only: the learned choice was confirmed by complexity (`validated`) or complexity took over (`fallback`). */
  validation: string | null;
}

export interface Recommendation {
  provider: string | null;
  model: string | null;
  /** The deployment recommended (first in the plan). */
  deployment: string | null;
  confidence: number | null;
  strategy_used: string;
  reasoning: string;
  metadata: DecisionMetadata;
}

export interface RoutingDecisionView extends DecisionPreview {
  strategy_used: string;
  decision: DecisionView | null;
  metadata: DecisionMetadata & { confidence: number | null; confidence_level: string | null };
}

export interface PreviewDeps {
  operations: Pick<Operations, 'preview'>;
  /** The optimiser's route, resolved (a 404 when it does not exist). */
  resolve(): Route;
}

function previewFor(deps: PreviewDeps, prompt: string, mode: AutoMode | undefined): DecisionPreview {
  const route = deps.resolve();
  return deps.operations.preview(promptRequest(route.name, prompt), mode !== undefined && mayChooseMode(route) ? { autoMode: mode } : {});
}

function metadataOf(preview: DecisionPreview): DecisionMetadata {
  const { auto } = preview;
  const chosen = auto?.candidates[0];
  return {
    pattern: auto?.pattern ?? null,
    complexity: auto?.complexity ?? null,
    quality_score: chosen?.quality ?? null,
    cost_estimate: chosen?.costUsd ?? null,
    validation: auto?.validation ?? null,
  };
}

export function recommend(deps: PreviewDeps, prompt: string): Recommendation {
  const preview = previewFor(deps, prompt, 'hybrid');
  const first = preview.plan[0];
  return {
    provider: first?.provider ?? null,
    model: first?.model ?? null,
    deployment: first?.deployment ?? null,
    confidence: preview.auto?.confidence.score ?? null,
    strategy_used: strategyUsed(preview.auto, preview.strategy),
    reasoning: preview.auto?.reason ?? preview.reason,
    metadata: metadataOf(preview),
  };
}

export function routingDecision(deps: PreviewDeps, prompt: string, autoRoute: boolean): RoutingDecisionView {
  const preview = previewFor(deps, prompt, autoRoute ? undefined : 'complexity');
  return {
    ...preview,
    strategy_used: strategyUsed(preview.auto, preview.strategy),
    decision: decisionView(preview.auto),
    metadata: { ...metadataOf(preview), confidence: preview.auto?.confidence.score ?? null, confidence_level: preview.auto?.confidence.level ?? null },
  };
}
