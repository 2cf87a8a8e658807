/**
 * auto: per request, the deployment predicted to answer well enough for the least money.
 *
 * Each candidate gets a predicted quality (P(a good answer), from the prompt's complexity and
 * the deployment's configured ability, or from the learned model nudged by what feedback taught)
 * and an expected cost. Candidates predicted to reach the quality floor (and within the
 * request's cost ceiling) come first, cheapest first (or by quality − costWeight × relative cost
 * when the route trades them off); then the rest by predicted quality, so a failed cheap model
 * falls back to the next best by the same score.
 *
 * Modes: `complexity` needs no training; `learning` uses the learned model and the feedback
 * bandit; `hybrid` (the default) uses learning when the training data covers the prompt and the
 * two agree, and falls back to complexity otherwise, saying which happened.
 */
import { posterior, sampleResidual } from '../auto/bandit';
import type { PromptPattern } from '../auto/complexity';
import type { PredictorPrompt } from '../auto/predictor';
import { AutoPrompt } from '../auto/prompt';
import { abilityOf, clampQuality, complexityQuality } from '../auto/quality';
import type { AutoDecision, AutoMode, CandidateEstimate, Confidence } from '../auto/types';
import { expectedCost } from './cost';
import { candidatesAt, noCandidates, sortRange } from './ordering';
import type { Candidate, StrategyContext, StrategyDecision } from './types';

/** The predicted quality a choice must reach when neither route nor request says. */
export const DEFAULT_AUTO_FLOOR = 0.8;
/** Hybrid trusts the learned model only where at least this share of the prompt is familiar to it. */
export const MIN_SUPPORT = 0.3;
/** Hybrid falls back when learning and complexity differ by more than this on the learned choice. */
export const MAX_DISAGREEMENT = 0.35;

interface Estimates {
  quality: number[];
  cost: number[];
  /** learning: the model's own predictions, before feedback moved them. */
  model?: number[];
}

export function autoStrategy(candidates: readonly Candidate[], context: StrategyContext): StrategyDecision {
  if (candidates.length === 0) return noCandidates();
  const request = context.request;
  const prompt = request.prompt ?? new AutoPrompt({ messages: [] });
  const options = context.options.auto ?? {};
  // Complexity unless the route or request asks otherwise: on held-out data it beats the learned model (README, "Auto-routing evaluation").
  const mode: AutoMode = request.autoMode ?? options.mode ?? 'complexity';
  const floor = request.qualityFloor ?? context.options.qualityFloor ?? DEFAULT_AUTO_FLOOR;
  const maxCost = request.maxCostUsd;
  const costWeight = options.costWeight ?? 0;
  const complexity = prompt.complexity();

  const cost = candidates.map((candidate) => expectedCost(candidate.deployment, request));
  const byComplexity: Estimates = { quality: candidates.map((candidate) => complexityQuality(abilityOf(candidate.deployment), complexity.score)), cost };
  const predictor = context.auto?.predictor;

  let chosen = byComplexity;
  let decidedBy: AutoDecision['decidedBy'] = 'complexity';
  let validation: AutoDecision['validation'];
  let why = '';
  let support = 1;
  if (mode !== 'complexity') {
    if (predictor === undefined) {
      why = 'no learned model loaded';
      if (mode === 'hybrid') validation = 'fallback';
    } else {
      const learnedPrompt = prompt.learned(predictor);
      support = predictor.support(learnedPrompt);
      const learned: Estimates = { ...learnedQualities(candidates, context, learnedPrompt, complexity.pattern), cost };
      if (mode === 'learning') {
        chosen = learned;
        decidedBy = 'learning';
      } else {
        const pick = order(learned, floor, maxCost, costWeight)[0];
        const disagreement = Math.abs(learned.quality[pick] - byComplexity.quality[pick]);
        if (support < MIN_SUPPORT) {
          validation = 'fallback';
          why = `thin training data (support ${support.toFixed(2)})`;
        } else if (disagreement > MAX_DISAGREEMENT) {
          validation = 'fallback';
          why = `learning and complexity disagree on ${candidates[pick].deployment.id} (${learned.quality[pick].toFixed(2)} vs ${byComplexity.quality[pick].toFixed(2)})`;
        } else {
          validation = 'validated';
          chosen = learned;
          decidedBy = 'learning';
        }
      }
    }
  }

  const ranked = order(chosen, floor, maxCost, costWeight);
  const ordered = candidatesAt(candidates, ranked);
  const first = ranked[0];
  const confidence = confidenceOf(chosen, ranked, floor, decidedBy === 'learning' ? support : 1, validation);
  const estimates: CandidateEstimate[] = ranked.map((index) => ({
    deployment: candidates[index].deployment.id,
    model: candidates[index].deployment.model,
    quality: round(chosen.quality[index]),
    costUsd: chosen.cost[index],
    ...(chosen.model === undefined ? {} : { modelQuality: round(chosen.model[index]) }),
  }));
  const meets = chosen.quality[first] >= floor;
  const label = `auto(${mode}${validation ? `, ${validation}` : ''}${decidedBy !== mode && !validation ? `, by ${decidedBy}` : ''})`;
  const reason =
    `${label}: ${complexity.pattern} prompt, complexity ${complexity.score.toFixed(2)} → ${candidates[first].deployment.id} ` +
    `(quality ${chosen.quality[first].toFixed(2)} ${meets ? '≥' : '<'} floor ${floor}, ~$${cost[first].toPrecision(3)}); ` +
    `confidence ${confidence.level} ${confidence.score.toFixed(2)}${why ? `; ${why}` : ''}`;
  const auto: AutoDecision = {
    mode,
    decidedBy,
    ...(validation ? { validation } : {}),
    confidence,
    pattern: complexity.pattern,
    complexity: complexity.score,
    qualityFloor: floor,
    ...(maxCost === undefined ? {} : { maxCostUsd: maxCost }),
    candidates: estimates,
    reason,
  };
  return {
    ordered,
    reason,
    auto,
    notes: () => {
      const notes: Record<string, string> = {};
      for (const index of ranked) notes[candidates[index].deployment.id] = `predicted quality ${chosen.quality[index].toFixed(2)}, ~$${cost[index].toPrecision(3)}`;
      return notes;
    },
  };
}

/** The learned model's quality for each candidate (`model`), and that moved by a Thompson draw from what feedback taught about its arm (`quality`). */
function learnedQualities(candidates: readonly Candidate[], context: StrategyContext, prompt: PredictorPrompt, pattern: PromptPattern): { quality: number[]; model: number[] } {
  const knowledge = context.auto!;
  const predictor = knowledge.predictor!;
  const model = candidates.map(({ deployment }) => predictor.quality(prompt, deployment.qualityModel ?? deployment.model) ?? predictor.qualityAt(prompt, abilityOf(deployment)));
  const quality = candidates.map(({ deployment }, index) => {
    const arm = context.route === undefined ? undefined : knowledge.arm(context.route, pattern, deployment.id);
    return clampQuality(model[index] + sampleResidual(posterior(arm, context.now), context.random));
  });
  return { quality, model };
}

/**
 * Indexes in plan order: those reaching the floor within the cost ceiling (cheapest first, or
 * by quality − costWeight × relative cost), then those below the floor by quality, then those
 * over the ceiling by cost.
 */
export function order(estimates: Estimates, floor: number, maxCost: number | undefined, costWeight: number): number[] {
  const { quality, cost } = estimates;
  const count = quality.length;
  const dearest = Math.max(...cost) || 1;
  const group = (index: number) => (maxCost !== undefined && cost[index] > maxCost ? 2 : quality[index] >= floor ? 0 : 1);
  const utility = (index: number) => quality[index] - (costWeight * cost[index]) / dearest;
  const ranked = Array.from({ length: count }, (_, index) => index);
  sortRange(ranked, (a, b) => {
    const groupA = group(a);
    const groupB = group(b);
    if (groupA !== groupB) return groupA - groupB;
    if (groupA === 0) return costWeight > 0 ? utility(b) - utility(a) || cost[a] - cost[b] : cost[a] - cost[b] || quality[b] - quality[a];
    if (groupA === 1) return quality[b] - quality[a] || cost[a] - cost[b];
    return cost[a] - cost[b];
  });
  return ranked;
}

/**
 * How far the choice is from flipping: the chosen candidate's margin over the floor, and, when
 * a cheaper candidate was passed over, its margin under the floor. 0.5 at a boundary, towards 1
 * far from one; scaled by the learned model's support, and down when hybrid fell back.
 */
export function confidenceOf(estimates: Estimates, ranked: readonly number[], floor: number, support: number, validation: AutoDecision['validation']): Confidence {
  const { quality, cost } = estimates;
  const first = ranked[0];
  let margin = Math.abs(quality[first] - floor);
  for (const index of ranked) {
    if (cost[index] < cost[first]) margin = Math.min(margin, Math.abs(floor - quality[index]));
  }
  let score = 0.5 + 0.5 * Math.tanh(margin / 0.1);
  score *= 0.6 + 0.4 * support;
  if (validation === 'fallback') score *= 0.85;
  score = round(score);
  return { level: score >= 0.8 ? 'high' : score >= 0.6 ? 'medium' : 'low', score };
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
