import type { Candidate, Strategy } from '../plan';

/** Failover: lowest `priority` first; ties keep the route's listed order. */
export const priorityStrategy: Strategy = function priority(candidates: Candidate[]) {
  // Array.prototype.sort is stable, so equal priorities stay in route order.
  const ordered = [...candidates].sort((a, b) => a.deployment.priority - b.deployment.priority);
  const reason = ordered.length === 0 ? 'no capable deployment' : `priority order: ${ordered.map((c) => c.deployment.id).join(' → ')}`;
  return { ordered, reason };
};
