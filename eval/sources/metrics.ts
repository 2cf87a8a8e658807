/**
 * Scores of a replay: error against the clean consensus (MAE, p95), coverage (share of scored
 * steps with an answer), synthetic share, how well confidence ranks errors (Spearman), and how
 * fast breakers open on faulty sources; beside the same for the baselines.
 */
import { quantile, spearman } from '../../src/sources/stats';
import type { Replay, StepRecord } from './replay';

export interface MethodScore {
  method: string;
  mae: number;
  p95: number;
  coverage: number;
  /** MAE over the steps inside injected fault episodes only. */
  maeInFaults: number;
  /** For a baseline: the router's MAE over the steps this baseline answered (like for like). */
  routerMaeSameSteps?: number;
}

export interface Summary {
  series: string;
  part: 'train' | 'heldout';
  steps: number;
  scored: number;
  router: MethodScore & {
    syntheticShare: number;
    /** Spearman(confidence, error in tolerance units) over answered steps; negative is good. */
    spearmanScaled: number;
    /** Spearman(confidence, absolute error). */
    spearmanAbsolute: number;
    /** Spearman(confidence, error/tolerance) over the steps inside injected fault episodes. */
    spearmanInFaults: number;
    /** Mean confidence and share of answers within tolerance (calibration check). */
    meanConfidence: number;
    withinTolerance: number;
    /** Share of answered steps whose error is exactly 0 (ties that no confidence can rank). */
    exactShare: number;
  };
  baselines: MethodScore[];
  breakers: { type: string; episodes: number; opened: number; medianStepsToOpen: number | null }[];
  microsecondsPerRoute: number;
}

function score(method: string, records: readonly StepRecord[], pick: (record: StepRecord) => number): MethodScore {
  const errors: number[] = [];
  const faultErrors: number[] = [];
  for (const record of records) {
    const value = pick(record);
    if (Number.isNaN(value)) continue;
    const error = Math.abs(value - record.truth);
    errors.push(error);
    if (record.faulted) faultErrors.push(error);
  }
  return { method, mae: mean(errors), p95: quantile(errors, 0.95), coverage: records.length === 0 ? 0 : errors.length / records.length, maeInFaults: mean(faultErrors) };
}

export function summarise(run: Replay): Summary {
  const { records } = run;
  const router = score('router', records, (record) => record.routed);
  const answered = records.filter((record) => !Number.isNaN(record.routed));
  const errors = answered.map((record) => Math.abs(record.routed - record.truth));
  const confidences = answered.map((record) => record.confidence);
  const best = run.perSource
    .map((entry) => ({ source: entry.source, mae: mean(entry.errors) }))
    .filter((entry) => Number.isFinite(entry.mae))
    .sort((a, b) => a.mae - b.mae)[0];
  const bestIndex = run.delivered.sources.indexOf(best?.source ?? '');
  const bestScore = score(`best source in hindsight (${best?.source})`, records, (record) => run.delivered.values[bestIndex]?.[record.step] ?? Number.NaN);
  const types = [...new Set(run.openings.map((entry) => entry.episode.type))];
  return {
    series: run.series.name,
    part: run.series.part,
    steps: run.steps,
    scored: records.length,
    router: {
      ...router,
      syntheticShare: answered.length === 0 ? 0 : answered.filter((record) => record.synthetic).length / records.length,
      spearmanScaled: spearman(confidences, answered.map((record) => Math.abs(record.routed - record.truth) / record.tolerance)),
      spearmanAbsolute: spearman(confidences, errors),
      spearmanInFaults: spearman(answered.filter((record) => record.faulted).map((record) => record.confidence), answered.filter((record) => record.faulted).map((record) => Math.abs(record.routed - record.truth) / record.tolerance)),
      meanConfidence: mean(confidences),
      withinTolerance: mean(answered.map((record) => (Math.abs(record.routed - record.truth) <= record.tolerance ? 1 : 0))),
      exactShare: mean(errors.map((error) => (error < 1e-9 ? 1 : 0))),
    },
    baselines: [score('naive mean', records, (record) => record.mean), score('plain median', records, (record) => record.median), bestScore].map((baseline, index) => {
      const pick = [(record: StepRecord) => record.mean, (record: StepRecord) => record.median, (record: StepRecord) => run.delivered.values[bestIndex]?.[record.step] ?? Number.NaN][index];
      const same = records.filter((record) => !Number.isNaN(pick(record)) && !Number.isNaN(record.routed));
      return { ...baseline, routerMaeSameSteps: mean(same.map((record) => Math.abs(record.routed - record.truth))) };
    }),
    breakers: types.map((type) => {
      const entries = run.openings.filter((entry) => entry.episode.type === type);
      const steps = entries.map((entry) => entry.openedAfter).filter((value): value is number => value !== undefined);
      return { type, episodes: entries.length, opened: steps.length, medianStepsToOpen: steps.length === 0 ? null : quantile(steps, 0.5) };
    }),
    microsecondsPerRoute: run.microsecondsPerRoute,
  };
}

function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
