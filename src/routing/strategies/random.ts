import { describeOrder, noCandidates } from './ordering';
import { shuffled } from './random-order';
import type { Strategy } from './types';

/** Uniform shuffle: every order equally likely, fallbacks included. */
export const randomStrategy: Strategy = function random(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const ordered = shuffled(candidates, context.random);
  return { ordered, reason: `uniform random order: ${describeOrder(ordered)}` };
};
