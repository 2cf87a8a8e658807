import { noCandidates, percent, weightOf } from './ordering';
import type { Strategy } from './types';
import { weightedDraw } from './weighted';

/**
 * Adaptive: a weighted draw, like `weighted`, but by the shares the route learned from each
 * deployment's latency, throughput, success and quality feedback (routing/adaptive/learner.ts)
 * instead of configured weights. A deployment the learner has not heard of yet gets an equal
 * share; a configured weight of 0 still drains; an SLA mitigation's weight factor applies on
 * top. The learner keeps a floor under every share, so each deployment is still sampled.
 */
export const adaptiveStrategy: Strategy = function adaptive(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const weights = new Array<number>(candidates.length);
  const learned = new Array<number | undefined>(candidates.length);
  const equal = 1 / candidates.length;
  let total = 0;
  for (let index = 0; index < candidates.length; index += 1) {
    const { deployment } = candidates[index];
    const share = context.route === undefined ? undefined : context.adaptive?.weight(context.route, deployment.id);
    learned[index] = share;
    const factor = context.weightFactor?.(deployment.id) ?? 1;
    weights[index] = weightOf(deployment) === 0 ? 0 : (share ?? equal) * factor;
    total += weights[index];
  }
  return weightedDraw(candidates, weights, total, context.random, 'adaptive draw by learned weights', (index) => {
    if (weights[index] === 0) return 'weight 0 (drained, tried last)';
    const factor = context.weightFactor?.(candidates[index].deployment.id) ?? 1;
    const source = learned[index] === undefined ? 'nothing learned yet, equal share' : `learned share ${percent(learned[index]!)}`;
    return `${source}${factor === 1 ? '' : `, × ${factor} (SLA)`} (${percent(weights[index] / total)})`;
  });
};
