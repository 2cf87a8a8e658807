import { candidatesAt, describeOrder, noCandidates, notesOf, percent, weightOf } from './ordering';
import { shuffled, weightedOrder } from './random-order';
import type { Candidate, Strategy, StrategyDecision } from './types';

/**
 * Weighted random: the primary is drawn with probability weight / total, and each fallback by
 * a further draw among the rest, so fallback traffic follows the weights too. Weight 0 drains
 * a deployment: it is tried only after every weighted one. When every weight is 0 the weights
 * say nothing, and the order is a uniform shuffle.
 */
export const weightedStrategy: Strategy = function weighted(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const weights = new Array<number>(candidates.length);
  let total = 0;
  for (let index = 0; index < candidates.length; index += 1) {
    // An SLA mitigation may have lowered the deployment's weight (routing/weight-shifts.ts).
    weights[index] = weightOf(candidates[index].deployment) * (context.weightFactor?.(candidates[index].deployment.id) ?? 1);
    total += weights[index];
  }
  return weightedDraw(candidates, weights, total, context.random, 'weighted draw', (index) => (weights[index] === 0 ? 'weight 0 (drained, tried last)' : `weight ${weights[index]} (${percent(weights[index] / total)})`));
};

/**
 * The order drawn by `weights` (their sum `total`), with its reason and notes: shared by the
 * weighted and adaptive strategies, which differ only in where the weights come from.
 */
export function weightedDraw(candidates: readonly Candidate[], weights: readonly number[], total: number, random: () => number, label: string, note: (index: number) => string): StrategyDecision {
  if (total === 0) {
    const ordered = shuffled(candidates, random);
    return { ordered, reason: `every weight is 0, uniform random order: ${describeOrder(ordered)}` };
  }
  const order = weightedOrder(weights, random);
  const ordered = candidatesAt(candidates, order);
  return {
    ordered,
    reason: `${label}: ${ordered[0].deployment.id} first (${percent(weights[order[0]] / total)} chance), then ${describeOrder(ordered, 1) || 'nothing else'}`,
    notes: () => notesOf(candidates, note),
  };
}
