import { candidatesAt, describeOrder, noCandidates, notesOf, sortRange, weightOf } from './ordering';
import type { Strategy } from './types';

/**
 * Smooth weighted round-robin, as nginx does it: every pick adds each deployment's weight to
 * its current weight, takes the largest (first in route order on a tie) and subtracts the total
 * from it. Weights 5, 1, 1 give a a b a c a a rather than a a a a a b c, and equal weights
 * give a plain rotation. Fallbacks follow the current weights after the pick, i.e. the
 * deployments whose turn is nearest.
 *
 * Weight 0 drains a deployment (tried last, in route order); if every weight is 0 they all
 * count as 1. A deployment missing from this request's candidates (say, breaker open) keeps
 * its current weight in the state and resumes from it when it returns.
 */
export const roundRobinStrategy: Strategy = function roundRobin(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  let allDrained = true;
  for (const candidate of candidates) if (weightOf(candidate.deployment) > 0) allDrained = false;

  // Per position: the weight this pick counts, and the current weight after it.
  const weights = new Array<number>(candidates.length);
  const currents = new Array<number>(candidates.length);
  const { currentWeights } = context.state;
  let total = 0;
  let picked = -1;
  for (let index = 0; index < candidates.length; index += 1) {
    const weight = allDrained ? 1 : weightOf(candidates[index].deployment);
    const current = (currentWeights.get(candidates[index].deployment.id) ?? 0) + weight;
    weights[index] = weight;
    currents[index] = current;
    if (weight === 0) continue;
    total += weight;
    currentWeights.set(candidates[index].deployment.id, current);
    if (picked === -1 || current > currents[picked]) picked = index;
  }
  currents[picked] -= total;
  currentWeights.set(candidates[picked].deployment.id, currents[picked]);

  // The pick, then the other rotating ones by current weight (highest first), then the drained.
  const order = new Array<number>(candidates.length);
  order[0] = picked;
  let filled = 1;
  for (let index = 0; index < candidates.length; index += 1) if (index !== picked && weights[index] > 0) order[filled++] = index;
  const rotating = filled;
  for (let index = 0; index < candidates.length; index += 1) if (weights[index] === 0) order[filled++] = index;
  sortRange(order, (a, b) => currents[b] - currents[a], 1, rotating);
  const ordered = candidatesAt(candidates, order);
  return {
    ordered,
    reason: `smooth weighted round-robin: ${ordered[0].deployment.id}'s turn, then ${describeOrder(ordered, 1) || 'nothing else'}`,
    notes: () => notesOf(candidates, (index) => `weight ${weights[index]}, current ${currents[index]}`),
  };
};
