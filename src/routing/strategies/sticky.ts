import { hashPairUnit } from './hash';
import { byPriority, describeOrder, noCandidates, sortedBy } from './ordering';
import type { Candidate, Strategy } from './types';

/**
 * Affinity by rendezvous (highest-random-weight) hashing: each deployment scores
 * hash(sticky key, deployment id) and the order is by score. A key keeps its deployment when
 * unrelated deployments come or go, and when its own one drops out its requests spread over
 * the others instead of piling onto one neighbour. Useful for provider-side prompt caches and
 * conversations. Without a key, priority order.
 */
export const stickyStrategy: Strategy = function sticky(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const key = context.request.stickyKey;
  if (key === undefined) {
    const ordered = sortedBy(candidates, byPriority);
    return { ordered, reason: `no sticky key, priority order: ${describeOrder(ordered)}` };
  }
  const scores = new Map(candidates.map((candidate) => [candidate, hashPairUnit(key, candidate.deployment.id)]));
  const ordered = sortedBy(candidates, (a: Candidate, b: Candidate) => scores.get(b)! - scores.get(a)!);
  // The key stays out of the reason: it may identify a conversation.
  return { ordered, reason: `sticky key hashes to ${ordered[0].deployment.id}; then ${describeOrder(ordered, 1) || 'nothing else'}` };
};
