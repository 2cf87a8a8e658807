import type { HealthSnapshot } from '../health';
import type { Deployment } from '../model';
import { byPriority, describeOrder, expectedTokens, noCandidates, percent, sortedBy } from './ordering';
import type { Candidate, Strategy, StrategyRequest } from './types';

/** The share of a deployment's tightest limit still free, and which limit that is. */
export interface Headroom {
  /** 0 (exhausted) .. 1 (untouched, or no limits). */
  share: number;
  limit?: 'rpm' | 'tpm' | 'maxInFlight';
}

/**
 * Headroom = min over the deployment's limits of 1 - used / limit: requests this minute
 * against rpm, tokens this minute plus this request's expected tokens against tpm, and
 * requests in flight against maxInFlight. A limit that is missing or not positive is ignored.
 */
export function headroomOf(deployment: Deployment, health: HealthSnapshot, request: StrategyRequest): Headroom {
  const limits = deployment.limits ?? {};
  const usage = [
    { limit: 'rpm', used: health.requestsThisMinute, capacity: limits.rpm },
    { limit: 'tpm', used: health.tokensThisMinute + expectedTokens(request), capacity: limits.tpm },
    { limit: 'maxInFlight', used: health.inFlight, capacity: limits.maxInFlight },
  ] as const;
  let headroom: Headroom = { share: 1 };
  for (const { limit, used, capacity } of usage) {
    if (capacity === undefined || !(capacity > 0)) continue;
    const share = Math.min(1, Math.max(0, 1 - used / capacity));
    if (headroom.limit === undefined || share < headroom.share) headroom = { share, limit };
  }
  return headroom;
}

/**
 * Most headroom first, so load spreads before any deployment hits its upstream limit and
 * answers 429. Exhausted deployments (headroom 0) fall to the end but stay as last resorts:
 * a minute boundary may have passed since the counts were read. Ties by priority, then route order.
 */
export const usageAwareStrategy: Strategy = function usageAware(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const headrooms = new Map(
    candidates.map((candidate) => [candidate, headroomOf(candidate.deployment, context.health(candidate.deployment.id), context.request)]),
  );
  const share = (candidate: Candidate) => headrooms.get(candidate)!.share;
  const ordered = sortedBy(candidates, (a, b) => share(b) - share(a) || byPriority(a, b));

  const notes = Object.fromEntries(
    candidates.map((candidate) => {
      const { share: free, limit } = headrooms.get(candidate)!;
      return [candidate.deployment.id, limit === undefined ? 'no limits' : `headroom ${percent(free)} (${limit})${free === 0 ? ', exhausted' : ''}`];
    }),
  );
  const exhausted = ordered.filter((candidate) => share(candidate) === 0).length;
  const exhaustedText = exhausted > 0 ? `, ${exhausted} exhausted last` : '';
  return { ordered, reason: `most headroom first${exhaustedText}: ${describeOrder(ordered)}`, notes };
};
