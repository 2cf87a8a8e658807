import { describeOrder, noCandidates, percent, weightOf } from './ordering';
import { shuffled, weightedOrder } from './random-order';
import type { Candidate, Strategy } from './types';

/**
 * Weighted random: the primary is drawn with probability weight / total, and each fallback by
 * a further draw among the rest, so fallback traffic follows the weights too. Weight 0 drains
 * a deployment: it is tried only after every weighted one. When every weight is 0 the weights
 * say nothing, and the order is a uniform shuffle.
 */
export const weightedStrategy: Strategy = function weighted(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const total = candidates.reduce((sum, candidate) => sum + weightOf(candidate.deployment), 0);
  if (total === 0) {
    const ordered = shuffled(candidates, context.random);
    return { ordered, reason: `every weight is 0, uniform random order: ${describeOrder(ordered)}` };
  }
  const drawn = weightedOrder(candidates, (candidate: Candidate) => weightOf(candidate.deployment), context.random);
  const drained = candidates.filter((candidate) => weightOf(candidate.deployment) === 0);
  const ordered = [...drawn, ...drained];
  const notes = Object.fromEntries(
    candidates.map((candidate) => {
      const weight = weightOf(candidate.deployment);
      return [candidate.deployment.id, weight === 0 ? 'weight 0 (drained, tried last)' : `weight ${weight} (${percent(weight / total)})`];
    }),
  );
  const first = ordered[0].deployment;
  return {
    ordered,
    reason: `weighted draw: ${first.id} first (${percent(weightOf(first) / total)} chance), then ${describeOrder(ordered.slice(1)) || 'nothing else'}`,
    notes,
  };
};
