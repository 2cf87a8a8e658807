import { describeOrder, noCandidates, sortedByKey } from './ordering';
import { randomIndex } from './random-order';
import type { Candidate, Strategy } from './types';

/**
 * Power of two choices: draw two deployments at random and take the cheaper, where cost =
 * latency EWMA × (in flight + 1), a peak-EWMA-like load estimate. Comparing two random ones
 * rather than ranking all avoids herding every request onto the single best deployment
 * between health updates. A deployment with no samples costs 0, so it gets explored.
 * Fallbacks, the loser of the pair included, follow by cost.
 */
export const p2cStrategy: Strategy = function p2c(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const cost = (candidate: Candidate) => {
    const health = context.health(candidate.deployment.id);
    return health.latencyMs === undefined ? 0 : health.latencyMs * (health.inFlight + 1);
  };
  const [first, second] = drawPair(candidates.length, context.random);
  const pair = second === undefined ? [candidates[first]] : [candidates[first], candidates[second]];
  // On equal cost the first drawn wins, so equal deployments share the load.
  const winner = pair.length === 2 && cost(pair[1]) < cost(pair[0]) ? pair[1] : pair[0];
  const ordered = [winner, ...sortedByKey(candidates.filter((candidate) => candidate !== winner), cost)];

  const notes = Object.fromEntries(candidates.map((candidate) => [candidate.deployment.id, `cost ${Math.round(cost(candidate))}`]));
  const reason =
    pair.length === 2
      ? `power of two choices: ${pair[0].deployment.id} vs ${pair[1].deployment.id}, ${winner.deployment.id} costs less (latency × load); order ${describeOrder(ordered)}`
      : `power of two choices: ${winner.deployment.id} is the only deployment`;
  return { ordered, reason, notes };
};

/** Two distinct random indexes in [0, length), or one when there is only one. */
function drawPair(length: number, random: () => number): [number, number | undefined] {
  const first = randomIndex(length, random);
  if (length < 2) return [first, undefined];
  const offset = randomIndex(length - 1, random);
  return [first, offset >= first ? offset + 1 : offset];
}
