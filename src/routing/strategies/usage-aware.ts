import type { HealthSnapshot } from '../health';
import type { Deployment } from '../catalog';
import { byPriority, candidatesAt, describeOrder, expectedTokens, noCandidates, notesOf, percent, positions, sortRange } from './ordering';
import type { Strategy, StrategyRequest } from './types';

/** The share of a deployment's tightest limit still free, and which limit that is. */
export interface Headroom {
  /** 0 (exhausted) .. 1 (untouched, or no limits). */
  share: number;
  limit?: 'rpm' | 'tpm' | 'maxInFlight';
}

const NO_LIMITS: Headroom = Object.freeze({ share: 1 });

/**
 * Headroom = min over the deployment's limits of 1 - used / limit: requests this minute
 * against rpm, tokens this minute plus this request's expected tokens against tpm, and
 * requests in flight against maxInFlight. A limit that is missing or not positive is ignored.
 * On equal shares the first limit in that order is named. The result may be shared: do not edit it.
 */
export function headroomOf(deployment: Deployment, health: HealthSnapshot, request: StrategyRequest): Headroom {
  const limits = deployment.limits;
  if (limits === undefined) return NO_LIMITS;
  const rpm = freeShare(health.requestsThisMinute, limits.rpm);
  const tpm = freeShare(health.tokensThisMinute + expectedTokens(request), limits.tpm);
  const inFlight = freeShare(health.inFlight, limits.maxInFlight);
  let headroom = NO_LIMITS;
  if (rpm !== undefined) headroom = { share: rpm, limit: 'rpm' };
  if (tpm !== undefined && (headroom.limit === undefined || tpm < headroom.share)) headroom = { share: tpm, limit: 'tpm' };
  if (inFlight !== undefined && (headroom.limit === undefined || inFlight < headroom.share)) headroom = { share: inFlight, limit: 'maxInFlight' };
  return headroom;
}

/** 1 - used / capacity within 0..1, or undefined when the limit is missing or not positive. */
function freeShare(used: number, capacity: number | undefined): number | undefined {
  if (capacity === undefined || !(capacity > 0)) return undefined;
  return Math.min(1, Math.max(0, 1 - used / capacity));
}

/**
 * Most headroom first, so load spreads before any deployment hits its upstream limit and
 * answers 429. Exhausted deployments (headroom 0) fall to the end but stay as last resorts:
 * a minute boundary may have passed since the counts were read. Ties by priority, then route order.
 */
export const usageAwareStrategy: Strategy = function usageAware(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const headrooms = new Array<Headroom>(candidates.length);
  let exhausted = 0;
  for (let index = 0; index < candidates.length; index += 1) {
    const { deployment } = candidates[index];
    headrooms[index] = headroomOf(deployment, context.health(deployment.id), context.request);
    if (headrooms[index].share === 0) exhausted += 1;
  }
  const order = positions(candidates.length);
  sortRange(order, (a, b) => headrooms[b].share - headrooms[a].share || byPriority(candidates[a], candidates[b]));
  const ordered = candidatesAt(candidates, order);

  const exhaustedText = exhausted > 0 ? `, ${exhausted} exhausted last` : '';
  return {
    ordered,
    reason: `most headroom first${exhaustedText}: ${describeOrder(ordered)}`,
    notes: () =>
      notesOf(candidates, (index) => {
        const { share, limit } = headrooms[index];
        return limit === undefined ? 'no limits' : `headroom ${percent(share)} (${limit})${share === 0 ? ', exhausted' : ''}`;
      }),
  };
};
