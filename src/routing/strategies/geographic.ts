import { byPriority, describeOrder, noCandidates, notesOf, sortedBy } from './ordering';
import type { Candidate, Strategy } from './types';

/** How close a deployment is to the caller: same region, same area (`us-east` / `us-west`), or neither. */
export type Proximity = 'same' | 'near' | 'far';

const PROXIMITY_RANK: Record<Proximity, number> = { same: 0, near: 1, far: 2 };

/** The deployment's region: its `region` tag, else its provider's region. */
export function regionOf(candidate: Candidate): string | undefined {
  return candidate.deployment.tags.region ?? candidate.provider.region;
}

/** Regions compare case-insensitively; "near" means the same prefix before the first '-'. */
export function proximity(callerRegion: string, deploymentRegion: string | undefined): Proximity {
  if (deploymentRegion === undefined) return 'far';
  const caller = callerRegion.toLowerCase();
  const deployment = deploymentRegion.toLowerCase();
  if (caller === deployment) return 'same';
  return areaOf(caller) === areaOf(deployment) ? 'near' : 'far';
}

function areaOf(region: string): string {
  return region.split('-', 1)[0];
}

/**
 * The caller's region first, then nearby regions, then the rest (a deployment with no region
 * counts as far); by priority within each group. Without a caller region, priority order.
 */
export const geographicStrategy: Strategy = function geographic(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const callerRegion = context.request.region;
  if (callerRegion === undefined || callerRegion === '') {
    const ordered = sortedBy(candidates, byPriority);
    return { ordered, reason: `caller region unknown, priority order: ${describeOrder(ordered)}` };
  }
  const closeness = new Map(candidates.map((candidate) => [candidate, proximity(callerRegion, regionOf(candidate))]));
  const rank = (candidate: Candidate) => PROXIMITY_RANK[closeness.get(candidate)!];
  const ordered = sortedBy(candidates, (a, b) => rank(a) - rank(b) || byPriority(a, b));

  const count = (group: Proximity) => candidates.filter((candidate) => closeness.get(candidate) === group).length;
  return {
    ordered,
    reason: `nearest to ${callerRegion} first (${count('same')} same region, ${count('near')} near, ${count('far')} far): ${describeOrder(ordered)}`,
    notes: () => notesOf(candidates, (index) => `${regionOf(candidates[index]) ?? 'no region'}: ${closeness.get(candidates[index])}`),
  };
};
