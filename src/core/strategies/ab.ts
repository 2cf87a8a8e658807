import { hashPairUnit } from './hash';
import { byPriority, describeOrder, noCandidates, percent, sortedBy, weightOf } from './ordering';
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
  const allZero = candidates.every((candidate) => weightOf(candidate.deployment) === 0);
  const weightFor = (candidate: Candidate) => (allZero ? 1 : weightOf(candidate.deployment));
  const total = candidates.reduce((sum, candidate) => sum + weightFor(candidate), 0);

  const key = context.request.callerKey ?? context.request.stickyKey;
  const variant = key === undefined ? candidates[weightedIndex(candidates.map(weightFor), context.random)] : assignByKey(candidates, key, weightFor);
  const ordered = [variant, ...sortedBy(candidates.filter((candidate) => candidate !== variant), byPriority)];

  const notes = Object.fromEntries(candidates.map((candidate) => [candidate.deployment.id, `split ${percent(weightFor(candidate) / total)}`]));
  const how = key === undefined ? 'no caller key, drawn at random' : context.request.callerKey === undefined ? 'by sticky key' : 'by caller key';
  // The key itself stays out of the reason: a caller key may be a virtual API key.
  return {
    ordered,
    reason: `A/B: variant ${variant.deployment.id} (${percent(weightFor(variant) / total)} split) ${how}; then ${describeOrder(ordered.slice(1)) || 'nothing else'}`,
    notes,
    variant: variant.deployment.id,
  };
};

function assignByKey(candidates: readonly Candidate[], key: string, weightFor: (candidate: Candidate) => number): Candidate {
  let best = candidates[0];
  let bestScore = -Infinity;
  for (const candidate of candidates) {
    const weight = weightFor(candidate);
    if (weight === 0) continue;
    const score = -weight / Math.log(hashPairUnit(key, candidate.deployment.id));
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
