import { describeOrder, noCandidates, sortedByKey } from './ordering';
import { shuffled } from './random-order';
import type { Strategy } from './types';

/**
 * Fewest requests in flight first. Ties are broken at random rather than by route order:
 * when everything is idle, route order would send every request to the first deployment.
 */
export const leastBusyStrategy: Strategy = function leastBusy(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const inFlight = (id: string) => context.health(id).inFlight;
  // Shuffle, then a stable sort: equal counts stay in their shuffled order.
  const ordered = sortedByKey(shuffled(candidates, context.random), (candidate) => inFlight(candidate.deployment.id));
  const notes = Object.fromEntries(candidates.map((candidate) => [candidate.deployment.id, `${inFlight(candidate.deployment.id)} in flight`]));
  const first = ordered[0].deployment.id;
  return { ordered, reason: `least busy: ${first} has ${inFlight(first)} in flight; order ${describeOrder(ordered)}`, notes };
};
