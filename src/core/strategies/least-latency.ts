import { describeOrder, noCandidates, percent, sortedByKey } from './ordering';
import { shuffled } from './random-order';
import type { Candidate, Strategy } from './types';

const DEFAULT_LATENCY_TOLERANCE = 0.2;

/**
 * Lowest latency EWMA first, with a tolerance band: every deployment within (1 + tolerance) ×
 * the fastest shares first place at random, so near-equal deployments split the load instead
 * of the fastest taking all of it (and slowing down). Deployments with no samples yet join
 * the band, so they get traffic and a latency to be judged by. The rest follow by latency.
 */
export const leastLatencyStrategy: Strategy = function leastLatency(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const tolerance = toleranceFrom(context.options.latencyTolerance);
  const latency = (candidate: Candidate) => context.health(candidate.deployment.id).latencyMs;
  const sampled = candidates.map(latency).filter((value): value is number => value !== undefined);
  const fastest = sampled.length > 0 ? Math.min(...sampled) : undefined;
  const limit = fastest === undefined ? Infinity : fastest * (1 + tolerance);

  const inBand = (candidate: Candidate) => {
    const value = latency(candidate);
    return value === undefined || value <= limit;
  };
  const band = shuffled(candidates.filter(inBand), context.random);
  const slower = sortedByKey(candidates.filter((candidate) => !inBand(candidate)), (candidate) => latency(candidate)!);
  const ordered = [...band, ...slower];

  const notes = Object.fromEntries(
    candidates.map((candidate) => {
      const value = latency(candidate);
      const note = value === undefined ? 'no samples yet (explored)' : `latency ${Math.round(value)}ms${inBand(candidate) ? ' (in band)' : ''}`;
      return [candidate.deployment.id, note];
    }),
  );
  const bandText = fastest === undefined ? 'no latency samples yet, random order' : `${band.length} within ${percent(tolerance)} of the fastest (${Math.round(fastest)}ms) share first place`;
  return { ordered, reason: `least latency: ${bandText}; order ${describeOrder(ordered)}`, notes };
};

/** The configured tolerance, or the default when it is missing or not a usable number. */
function toleranceFrom(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : DEFAULT_LATENCY_TOLERANCE;
}
