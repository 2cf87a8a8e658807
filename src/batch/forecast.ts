/**
 * A seasonal forecast of request rate per deployment: Holt-Winters with additive trend and a
 * daily season, over fixed buckets (15 minutes by default, so 96 per day). Fitted from the
 * ledger's history, it predicts how many interactive requests a deployment will see in each
 * coming bucket; the batch scheduler runs deferred work where the prediction leaves room.
 * Pure: no clock, no I/O; buckets are aligned to the Unix epoch, so seasons follow UTC days.
 */

export const DEFAULT_BUCKET_MS = 15 * 60_000;
export const DAY_MS = 24 * 60 * 60_000;

/** One bucket of history: requests that began in [start, start + bucketMs). */
export interface LoadPoint {
  start: number;
  requests: number;
}

export interface HoltWintersParameters {
  /** Level smoothing, 0..1. */
  alpha: number;
  /** Trend smoothing, 0..1. */
  beta: number;
  /** Season smoothing, 0..1. */
  gamma: number;
}

/** A fitted model: its state after the last observed bucket, from which any later bucket is predicted. */
export interface SeasonalModel {
  bucketMs: number;
  /** Buckets per season (a day). */
  period: number;
  parameters: HoltWintersParameters;
  level: number;
  trend: number;
  /** Seasonal offsets by bucket-of-day index. */
  season: number[];
  /** Start of the last bucket the model has seen; predictions are for buckets after it. */
  lastStart: number;
  /** Mean absolute one-step error while fitting (requests per bucket). */
  fitError: number;
}

export interface FitOptions {
  bucketMs?: number;
  /** Parameters to use instead of searching for the best ones. */
  parameters?: HoltWintersParameters;
}

const ALPHAS = [0.05, 0.15, 0.3, 0.5];
const BETAS = [0, 0.01, 0.05];
const GAMMAS = [0.05, 0.15, 0.3, 0.5];

/** The bucket a time falls in. */
export function bucketStart(at: number, bucketMs = DEFAULT_BUCKET_MS): number {
  return Math.floor(at / bucketMs) * bucketMs;
}

/**
 * Fits a model to `history` (any order; missing buckets count as zero requests). With at least
 * two days of buckets it searches a small grid of smoothing parameters for the smallest one-step
 * error; with less, the season is what the one day shows. Undefined when there is no history.
 */
export function fitSeasonal(history: readonly LoadPoint[], options: FitOptions = {}): SeasonalModel | undefined {
  const bucketMs = options.bucketMs ?? DEFAULT_BUCKET_MS;
  const period = Math.round(DAY_MS / bucketMs);
  const series = denseSeries(history, bucketMs);
  if (series === undefined) return undefined;
  if (options.parameters) return run(series.values, series.first, bucketMs, period, options.parameters);
  let best: SeasonalModel | undefined;
  for (const alpha of ALPHAS) {
    for (const beta of BETAS) {
      for (const gamma of GAMMAS) {
        const model = run(series.values, series.first, bucketMs, period, { alpha, beta, gamma });
        if (best === undefined || model.fitError < best.fitError) best = model;
      }
    }
  }
  return best;
}

/** The predicted requests in the bucket starting at `start` (never negative). */
export function predictBucket(model: SeasonalModel, start: number): number {
  const at = bucketStart(start, model.bucketMs);
  const steps = Math.max(1, Math.round((at - model.lastStart) / model.bucketMs));
  const index = seasonIndex(at, model.bucketMs, model.period);
  return Math.max(0, model.level + steps * model.trend + model.season[index]!);
}

/** Takes one more observed bucket into the model (online update), returning the updated model. */
export function observeBucket(model: SeasonalModel, point: LoadPoint): SeasonalModel {
  const at = bucketStart(point.start, model.bucketMs);
  if (at <= model.lastStart) return model;
  const next: SeasonalModel = { ...model, season: [...model.season] };
  // Buckets skipped since the last one count as empty.
  for (let start = model.lastStart + model.bucketMs; start <= at; start += model.bucketMs) {
    step(next, start === at ? point.requests : 0, start);
  }
  return next;
}

/** Accuracy of predictions against what happened. */
export interface ForecastAccuracy {
  /** Mean absolute percentage error over buckets with traffic (%), undefined when none had any. */
  mape: number | undefined;
  /** Weighted absolute percentage error: Σ|predicted − actual| / Σ actual (%). */
  wape: number | undefined;
  buckets: number;
}

export function forecastAccuracy(pairs: ReadonlyArray<{ predicted: number; actual: number }>): ForecastAccuracy {
  let percentSum = 0;
  let counted = 0;
  let absoluteSum = 0;
  let actualSum = 0;
  for (const { predicted, actual } of pairs) {
    absoluteSum += Math.abs(predicted - actual);
    actualSum += actual;
    if (actual > 0) {
      percentSum += Math.abs(predicted - actual) / actual;
      counted += 1;
    }
  }
  return {
    mape: counted === 0 ? undefined : (percentSum / counted) * 100,
    wape: actualSum === 0 ? undefined : (absoluteSum / actualSum) * 100,
    buckets: pairs.length,
  };
}

function seasonIndex(start: number, bucketMs: number, period: number): number {
  const index = Math.floor(start / bucketMs) % period;
  return index < 0 ? index + period : index;
}

function denseSeries(history: readonly LoadPoint[], bucketMs: number): { first: number; values: number[] } | undefined {
  if (history.length === 0) return undefined;
  const counts = new Map<number, number>();
  let first = Infinity;
  let last = -Infinity;
  for (const point of history) {
    const at = bucketStart(point.start, bucketMs);
    counts.set(at, (counts.get(at) ?? 0) + point.requests);
    first = Math.min(first, at);
    last = Math.max(last, at);
  }
  const values: number[] = [];
  for (let at = first; at <= last; at += bucketMs) values.push(counts.get(at) ?? 0);
  return { first, values };
}

/** Initial state from the first day (or what there is of it), then one Holt-Winters step per bucket. */
function run(values: readonly number[], first: number, bucketMs: number, period: number, parameters: HoltWintersParameters): SeasonalModel {
  const warmup = Math.min(values.length, period);
  const firstDay = values.slice(0, warmup);
  const mean = firstDay.reduce((sum, value) => sum + value, 0) / warmup;
  let trend = 0;
  if (values.length >= 2 * period) {
    // The average change from the first day to the second, per bucket.
    let secondSum = 0;
    for (let index = period; index < 2 * period; index += 1) secondSum += values[index]!;
    trend = (secondSum / period - mean) / period;
  }
  const season = new Array<number>(period).fill(0);
  for (let offset = 0; offset < warmup; offset += 1) season[seasonIndex(first + offset * bucketMs, bucketMs, period)] = firstDay[offset]! - mean;
  const model: SeasonalModel = { bucketMs, period, parameters, level: mean, trend, season, lastStart: first + (warmup - 1) * bucketMs, fitError: 0 };
  let errorSum = 0;
  let errors = 0;
  for (let offset = warmup; offset < values.length; offset += 1) {
    const start = first + offset * bucketMs;
    errorSum += Math.abs(predictBucket(model, start) - values[offset]!);
    errors += 1;
    step(model, values[offset]!, start);
  }
  model.fitError = errors === 0 ? 0 : errorSum / errors;
  return model;
}

function step(model: SeasonalModel, value: number, start: number): void {
  const { alpha, beta, gamma } = model.parameters;
  const index = seasonIndex(start, model.bucketMs, model.period);
  const seasonal = model.season[index]!;
  const previousLevel = model.level;
  model.level = alpha * (value - seasonal) + (1 - alpha) * (previousLevel + model.trend);
  model.trend = beta * (model.level - previousLevel) + (1 - beta) * model.trend;
  model.season[index] = gamma * (value - model.level) + (1 - gamma) * seasonal;
  model.lastStart = start;
}
