import { byPriority, describeOrder, noCandidates, sortedBy } from './ordering';
import type { Strategy } from './types';

/** Failover: lowest `priority` first; ties keep the route's listed order. */
export const priorityStrategy: Strategy = function priority(candidates) {
  if (candidates.length === 0) return noCandidates();
  const ordered = sortedBy(candidates, byPriority);
  return { ordered, reason: `priority order: ${describeOrder(ordered)}` };
};
