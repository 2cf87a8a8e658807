import { candidatesAt, describeOrder, noCandidates, notesOf, percent, sortRange } from './ordering';
import { shuffleRange } from './random-order';
import type { Strategy } from './types';

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
  const latencies = new Array<number | undefined>(candidates.length);
  let fastest: number | undefined;
  for (let index = 0; index < candidates.length; index += 1) {
    const latency = context.health(candidates[index].deployment.id).latencyMs;
    latencies[index] = latency;
    if (latency !== undefined && (fastest === undefined || latency < fastest)) fastest = latency;
  }
  const limit = fastest === undefined ? Infinity : fastest * (1 + tolerance);
  const inBand = (index: number) => latencies[index] === undefined || latencies[index]! <= limit;

  // The band in route order, shuffled; then the slower ones by latency.
  const order = new Array<number>(candidates.length);
  let filled = 0;
  for (let index = 0; index < candidates.length; index += 1) if (inBand(index)) order[filled++] = index;
  const band = filled;
  for (let index = 0; index < candidates.length; index += 1) if (!inBand(index)) order[filled++] = index;
  shuffleRange(order, context.random, 0, band);
  sortRange(order, (a, b) => latencies[a]! - latencies[b]!, band);
  const ordered = candidatesAt(candidates, order);

  const bandText =
    fastest === undefined ? 'no latency samples yet, random order' : `${band} within ${percent(tolerance)} of the fastest (${Math.round(fastest)}ms) share first place`;
  return {
    ordered,
    reason: `least latency: ${bandText}; order ${describeOrder(ordered)}`,
    notes: () =>
      notesOf(candidates, (index) => {
        const latency = latencies[index];
        return latency === undefined ? 'no samples yet (explored)' : `latency ${Math.round(latency)}ms${inBand(index) ? ' (in band)' : ''}`;
      }),
  };
};

/** The configured tolerance, or the default when it is missing or not a usable number. */
function toleranceFrom(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : DEFAULT_LATENCY_TOLERANCE;
}
