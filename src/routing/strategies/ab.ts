import { hashPairUnit } from './hash';
import { byPriority, describeOrder, noCandidates, notesOf, percent, sortedBy, weightOf } from './ordering';
import { weightedIndex } from './random-order';
import type { Candidate, Strategy } from './types';

/**
 * A/B split by deployment weight. A caller with a key (the caller key, else the sticky key)
 * is assigned a variant by weighted rendezvous hashing: each variant scores
 * -weight / ln(hash(key, id)) and the highest wins. That wins with probability weight / total,
 * like a split over cumulative weights, but a caller only changes variant when its own
 * variant leaves or the weights change, not when another variant is briefly filtered out
 * (breaker open). A caller without a key gets a weighted random variant.
 * The variant is tried first, the rest by priority.
 */
export const abStrategy: Strategy = function ab(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  let allZero = true;
  for (const candidate of candidates) if (weightOf(candidate.deployment) !== 0) allZero = false;
  const weights = new Array<number>(candidates.length);
  let total = 0;
  for (let index = 0; index < candidates.length; index += 1) {
    weights[index] = allZero ? 1 : weightOf(candidates[index].deployment);
    total += weights[index];
  }

  const key = context.request.callerKey ?? context.request.stickyKey;
  const chosen = key === undefined ? weightedIndex(weights, context.random) : assignByKey(candidates, key, weights);
  const ordered = [candidates[chosen], ...sortedBy(candidates.filter((_, index) => index !== chosen), byPriority)];

  const how = key === undefined ? 'no caller key, drawn at random' : context.request.callerKey === undefined ? 'by sticky key' : 'by caller key';
  // The key itself stays out of the reason: a caller key may be a virtual API key.
  return {
    ordered,
    reason: `A/B: variant ${ordered[0].deployment.id} (${percent(weights[chosen] / total)} split) ${how}; then ${describeOrder(ordered, 1) || 'nothing else'}`,
    notes: () => notesOf(candidates, (index) => `split ${percent(weights[index] / total)}`),
    variant: ordered[0].deployment.id,
  };
};

/** The position of the caller's variant: the highest weighted rendezvous score. */
function assignByKey(candidates: readonly Candidate[], key: string, weights: readonly number[]): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let index = 0; index < candidates.length; index += 1) {
    if (weights[index] === 0) continue;
    const score = -weights[index] / Math.log(hashPairUnit(key, candidates[index].deployment.id));
    if (score > bestScore) {
      best = index;
      bestScore = score;
    }
  }
  return best;
}
