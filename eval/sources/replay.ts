/**
 * Replays one series step by step through the source router, with faults injected, and
 * through the baselines on the same delivered readings. Every step with a clean consensus is
 * scored: the consensus is the median of the clean readings (before injection) of the
 * independent sources (known duplicates left out), where at least two of them report.
 */
import { isJunctionError } from '../../src/errors';
import { createSourceRouter, type Candidate, type RouteResult } from '../../src/sources';
import type { ConfidenceFeatures } from '../../src/sources/confidence';
import { toleranceAt, parsePolicy, type SourcePolicyInput } from '../../src/sources/policy';
import { median } from '../../src/sources/stats';
import { injectFaults, type Delivered, type Episode } from './faults';
import type { Series } from './load';
import { policyFor } from './policies';

export interface StepRecord {
  step: number;
  truth: number;
  tolerance: number;
  /** Router answer (NaN when it gave none). */
  routed: number;
  confidence: number;
  synthetic: boolean;
  features?: ConfidenceFeatures;
  mean: number;
  median: number;
  /** Inside an injected fault episode. */
  faulted: boolean;
}

export interface Replay {
  series: Series;
  delivered: Delivered;
  records: StepRecord[];
  /** Steps in the replay with any reading delivered or a clean consensus. */
  steps: number;
  /** Per original source: its delivered values' absolute errors (for the best source in hindsight). */
  perSource: { source: string; errors: number[] }[];
  /** Step at which the faulty source's breaker opened, per episode (undefined when it never did). */
  openings: { episode: Episode; openedAfter?: number }[];
  /** Microseconds spent in route() per call (wall clock, includes the rare synthetic path). */
  microsecondsPerRoute: number;
}

export function replay(series: Series, seed: number, override?: SourcePolicyInput): Replay {
  const delivered = injectFaults(series, seed);
  const policy = policyFor(series, override);
  const tolerance = parsePolicy(policy);
  let clock = series.times[0];
  const opened: { source: string; at: number }[] = [];
  const router = createSourceRouter({ now: () => clock, defaultPolicy: policy, onBreakerChange: (event) => (event.to === 'opened' ? opened.push({ source: event.sourceId, at: event.at }) : undefined) });
  const independent = series.sources.map((source, s) => (series.duplicates.includes(source) ? -1 : s)).filter((s) => s >= 0);
  const faultedAt = new Uint8Array(series.times.length);
  for (const episode of delivered.episodes) faultedAt.fill(1, episode.start, episode.end);
  const records: StepRecord[] = [];
  const perSource = delivered.sources.map((source) => ({ source, errors: [] as number[] }));
  let routeNs = 0n;
  let routes = 0;
  for (let t = 0; t < series.times.length; t++) {
    clock = series.times[t];
    const candidates: Candidate[] = [];
    for (let s = 0; s < delivered.sources.length; s++) {
      const value = delivered.values[s][t];
      if (!Number.isNaN(value)) candidates.push({ sourceId: delivered.sources[s], value, timestamp: delivered.stamps[s][t] });
    }
    const clean = independent.map((s) => series.values[s][t]).filter((value) => !Number.isNaN(value));
    const truth = clean.length >= 2 ? median(clean) : Number.NaN;
    let result: RouteResult | undefined;
    const started = process.hrtime.bigint();
    try {
      result = router.route({ metricKey: series.name, candidates, mode: 'routed' });
    } catch (error) {
      if (!isJunctionError(error) || error.code !== 'no_usable_source') throw error;
    }
    routeNs += process.hrtime.bigint() - started;
    routes++;
    if (Number.isNaN(truth)) continue;
    const values = candidates.map((candidate) => candidate.value);
    for (const candidate of candidates) perSource[delivered.sources.indexOf(candidate.sourceId)].errors.push(Math.abs(candidate.value - truth));
    records.push({
      step: t,
      truth,
      tolerance: toleranceAt(truth, tolerance),
      routed: result?.value ?? Number.NaN,
      confidence: result?.confidence ?? 0,
      synthetic: result?.isSynthetic ?? false,
      features: result?.confidenceInputs,
      mean: values.length > 0 ? values.reduce((sum, value) => sum + value, 0) / values.length : Number.NaN,
      median: values.length > 0 ? median(values) : Number.NaN,
      faulted: faultedAt[t] === 1,
    });
  }
  const openings = delivered.episodes
    .filter((episode) => episode.type === 'stuck' || episode.type === 'drift' || episode.type === 'stale')
    .map((episode) => {
      const source = delivered.sources[episode.source];
      const first = opened.find((event) => event.source === source && event.at >= series.times[episode.start] && event.at < series.times[Math.min(episode.end, series.times.length - 1)]);
      return { episode, openedAfter: first === undefined ? undefined : Math.round((first.at - series.times[episode.start]) / series.stepMs) };
    });
  return { series, delivered, records, steps: series.times.length, perSource: perSource.filter((entry) => entry.source !== 'copy'), openings, microsecondsPerRoute: Number(routeNs) / 1000 / routes };
}
