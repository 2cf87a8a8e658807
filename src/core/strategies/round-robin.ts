import { describeOrder, noCandidates, weightOf } from './ordering';
import type { Candidate, Strategy } from './types';

/**
 * Smooth weighted round-robin, as nginx does it: every pick adds each deployment's weight to
 * its current weight, takes the largest (first in route order on a tie) and subtracts the total
 * from it. Weights 5, 1, 1 give a a b a c a a rather than a a a a a b c, and equal weights
 * give a plain rotation. Fallbacks follow the current weights after the pick, i.e. the
 * deployments whose turn is nearest.
 *
 * Weight 0 drains a deployment (tried last, in route order); if every weight is 0 they all
 * count as 1. A deployment missing from this request's candidates (say, breaker open) keeps
 * its current weight in the state and resumes from it when it returns.
 */
export const roundRobinStrategy: Strategy = function roundRobin(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const allDrained = candidates.every((candidate) => weightOf(candidate.deployment) === 0);
  const weightFor = (candidate: Candidate) => (allDrained ? 1 : weightOf(candidate.deployment));
  const rotating = candidates.filter((candidate) => weightFor(candidate) > 0);
  const drained = candidates.filter((candidate) => weightFor(candidate) === 0);

  const { currentWeights } = context.state;
  const current = (candidate: Candidate) => currentWeights.get(candidate.deployment.id) ?? 0;
  let total = 0;
  let picked = rotating[0];
  for (const candidate of rotating) {
    const weight = weightFor(candidate);
    total += weight;
    currentWeights.set(candidate.deployment.id, current(candidate) + weight);
    if (current(candidate) > current(picked)) picked = candidate;
  }
  currentWeights.set(picked.deployment.id, current(picked) - total);

  const rest = rotating.filter((candidate) => candidate !== picked).sort((a, b) => current(b) - current(a));
  const ordered = [picked, ...rest, ...drained];
  const notes = Object.fromEntries(
    candidates.map((candidate) => [candidate.deployment.id, `weight ${weightFor(candidate)}, current ${current(candidate)}`]),
  );
  return { ordered, reason: `smooth weighted round-robin: ${picked.deployment.id}'s turn, then ${describeOrder(ordered.slice(1)) || 'nothing else'}`, notes };
};
