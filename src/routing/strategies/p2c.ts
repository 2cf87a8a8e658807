import { candidatesAt, describeOrder, noCandidates, notesOf, sortRange } from './ordering';
import { randomIndex } from './random-order';
import type { Strategy } from './types';

/**
 * Power of two choices: draw two deployments at random and take the cheaper, where cost =
 * latency EWMA × (in flight + 1), a peak-EWMA-like load estimate. Comparing two random ones
 * rather than ranking all avoids herding every request onto the single best deployment
 * between health updates. A deployment with no samples costs 0, so it gets explored.
 * Fallbacks, the loser of the pair included, follow by cost.
 */
export const p2cStrategy: Strategy = function p2c(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const costs = new Array<number>(candidates.length);
  for (let index = 0; index < candidates.length; index += 1) {
    const health = context.health(candidates[index].deployment.id);
    costs[index] = health.latencyMs === undefined ? 0 : health.latencyMs * (health.inFlight + 1);
  }
  // Two distinct random positions, or one when there is only one candidate.
  const first = randomIndex(candidates.length, context.random);
  let second = -1;
  if (candidates.length > 1) {
    const offset = randomIndex(candidates.length - 1, context.random);
    second = offset >= first ? offset + 1 : offset;
  }
  // On equal cost the first drawn wins, so equal deployments share the load.
  const winner = second !== -1 && costs[second] < costs[first] ? second : first;
  const order = new Array<number>(candidates.length);
  order[0] = winner;
  let filled = 1;
  for (let index = 0; index < candidates.length; index += 1) if (index !== winner) order[filled++] = index;
  sortRange(order, (a, b) => costs[a] - costs[b], 1);
  const ordered = candidatesAt(candidates, order);

  const reason =
    second === -1
      ? `power of two choices: ${ordered[0].deployment.id} is the only deployment`
      : `power of two choices: ${candidates[first].deployment.id} vs ${candidates[second].deployment.id}, ${ordered[0].deployment.id} costs less (latency × load); order ${describeOrder(ordered)}`;
  return { ordered, reason, notes: () => notesOf(candidates, (index) => `cost ${Math.round(costs[index])}`) };
};
