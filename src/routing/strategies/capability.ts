import { describeOrder, noCandidates, notesOf, qualityOf, sortedBy } from './ordering';
import type { Strategy } from './types';

/**
 * Best quality score first (unscored = 0.5); ties by priority, then route order. The planner
 * has already removed deployments lacking what the request needs (tools, vision, JSON,
 * streaming, context window), so this only ranks among capable ones.
 */
export const capabilityStrategy: Strategy = function capability(candidates) {
  if (candidates.length === 0) return noCandidates();
  const ordered = sortedBy(candidates, (a, b) => qualityOf(b.deployment) - qualityOf(a.deployment) || a.deployment.priority - b.deployment.priority);
  return {
    ordered,
    reason: `best quality first among deployments that already meet the request's capabilities and context size: ${describeOrder(ordered)}`,
    notes: () => notesOf(candidates, (index) => `quality ${qualityOf(candidates[index].deployment)}`),
  };
};
