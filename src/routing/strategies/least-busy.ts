import { candidatesAt, describeOrder, noCandidates, notesOf, positions, sortRange } from './ordering';
import { shuffleRange } from './random-order';
import type { Strategy } from './types';

/**
 * Fewest requests in flight first. Ties are broken at random rather than by route order:
 * when everything is idle, route order would send every request to the first deployment.
 */
export const leastBusyStrategy: Strategy = function leastBusy(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const inFlight = new Array<number>(candidates.length);
  for (let index = 0; index < candidates.length; index += 1) inFlight[index] = context.health(candidates[index].deployment.id).inFlight;
  // Shuffle, then a stable sort: equal counts stay in their shuffled order.
  const order = positions(candidates.length);
  shuffleRange(order, context.random);
  sortRange(order, (a, b) => inFlight[a] - inFlight[b]);
  const ordered = candidatesAt(candidates, order);
  return {
    ordered,
    reason: `least busy: ${ordered[0].deployment.id} has ${inFlight[order[0]]} in flight; order ${describeOrder(ordered)}`,
    notes: () => notesOf(candidates, (index) => `${inFlight[index]} in flight`),
  };
};
