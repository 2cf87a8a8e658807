/**
 * The forecast as a running gateway keeps it: one seasonal model per deployment, refitted
 * from the ledger's load history once per bucket, and the prediction each bucket had when it
 * began, kept beside what then happened so the forecast's own accuracy can be reported
 * (GET /admin/forecast).
 */
import type { LoadHistorySource } from '../ledger/load-history';
import { bucketStart, DAY_MS, fitSeasonal, forecastAccuracy, predictBucket, type ForecastAccuracy, type SeasonalModel } from './forecast';

export interface ForecastBookOptions {
  /** The ledger's load history; without one the scheduler goes by the load it sees. */
  history: LoadHistorySource | undefined;
  bucketMs: number;
  historyDays: number;
  now: () => number;
}

export interface ForecastBucket {
  start: string;
  predicted: number;
  actual: number;
}

export interface DeploymentForecast {
  deployment: string;
  /** Mean absolute percentage error of the buckets below (%), null when none had traffic. */
  mape: number | null;
  wape: number | null;
  buckets: ForecastBucket[];
  /** Requests predicted for the buckets ahead (the next day). */
  next: ForecastBucket[];
}

export interface ForecastReport {
  bucketMinutes: number;
  fittedAt: string | null;
  deployments: DeploymentForecast[];
}

export interface ForecastBook {
  /** Refits when a new bucket has begun since the last fit (reads the ledger), or when `force`d; cheap otherwise. */
  refresh(force?: boolean): Promise<void>;
  /** Forecast interactive requests per minute for `count` buckets from the one holding `from`; empty without a model. */
  forecastRpm(deployment: string, from: number, count: number): number[];
  report(): Promise<ForecastReport>;
}

export function createForecastBook(options: ForecastBookOptions): ForecastBook {
  const { history, bucketMs, historyDays, now } = options;
  const bucketMinutes = bucketMs / 60_000;
  let models = new Map<string, SeasonalModel>();
  /** Per deployment, what each bucket was predicted to hold when it began. */
  const predictions = new Map<string, Map<number, number>>();
  let fittedBucket: number | undefined;
  let fitting: Promise<void> | undefined;

  async function fit(current: number): Promise<void> {
    if (!history) return;
    const rows = await history.loadHistory({ since: current - historyDays * DAY_MS, until: current, bucketMs });
    const series = new Map<string, Array<{ start: number; requests: number }>>();
    for (const row of rows) {
      let points = series.get(row.deployment);
      if (!points) series.set(row.deployment, (points = []));
      points.push({ start: row.start, requests: row.requests });
    }
    const fitted = new Map<string, SeasonalModel>();
    for (const [deployment, points] of series) {
      // A fit takes tens of milliseconds (a week of buckets, 48 parameter sets): one per turn of the event loop, so requests are not held up behind them all.
      if (fitted.size > 0) await new Promise((resolve) => setImmediate(resolve));
      // The last bucket before now is a point too, even when it was empty.
      if (points.at(-1)!.start < current - bucketMs) points.push({ start: current - bucketMs, requests: 0 });
      const model = fitSeasonal(points, { bucketMs });
      if (model) fitted.set(deployment, model);
    }
    models = fitted;
    fittedBucket = current;
    for (const [deployment, model] of models) {
      let kept = predictions.get(deployment);
      if (!kept) predictions.set(deployment, (kept = new Map()));
      kept.set(current, predictBucket(model, current));
      // A day and a bit of predictions is all the report shows.
      for (const start of kept.keys()) if (start < current - DAY_MS - bucketMs) kept.delete(start);
    }
  }

  return {
    refresh(force = false) {
      const current = bucketStart(now(), bucketMs);
      if (fittedBucket === current && !force) return Promise.resolve();
      fitting ??= fit(current).finally(() => {
        fitting = undefined;
      });
      return fitting;
    },
    forecastRpm(deployment, from, count) {
      const model = models.get(deployment);
      if (!model) return [];
      const first = bucketStart(from, bucketMs);
      return Array.from({ length: count }, (_, index) => predictBucket(model, first + index * bucketMs) / bucketMinutes);
    },
    async report() {
      const current = bucketStart(now(), bucketMs);
      const actual = new Map<string, number>();
      const seen = new Set<string>([...models.keys(), ...predictions.keys()]);
      if (history) {
        const rows = await history.loadHistory({ since: current - DAY_MS, until: current + bucketMs, bucketMs });
        for (const row of rows) {
          actual.set(`${row.deployment}@${row.start}`, row.requests);
          seen.add(row.deployment);
        }
      }
      const deployments: DeploymentForecast[] = [...seen].sort().map((deployment) => {
        const kept = predictions.get(deployment) ?? new Map<number, number>();
        // The current bucket is still filling: only finished ones are scored.
        const buckets = [...kept]
          .filter(([start]) => start < current)
          .sort(([a], [b]) => a - b)
          .map(([start, predicted]) => ({ start: new Date(start).toISOString(), predicted: round(predicted), actual: actual.get(`${deployment}@${start}`) ?? 0 }));
        const accuracy: ForecastAccuracy = forecastAccuracy(buckets);
        const model = models.get(deployment);
        const next = model
          ? Array.from({ length: DAY_MS / bucketMs }, (_, index) => {
              const start = current + index * bucketMs;
              return { start: new Date(start).toISOString(), predicted: round(predictBucket(model, start)), actual: index === 0 ? (actual.get(`${deployment}@${start}`) ?? 0) : 0 };
            })
          : [];
        return { deployment, mape: nullable(accuracy.mape), wape: nullable(accuracy.wape), buckets, next };
      });
      return { bucketMinutes, fittedAt: fittedBucket === undefined ? null : new Date(fittedBucket).toISOString(), deployments };
    },
  };
}

const round = (value: number) => Math.round(value * 100) / 100;
const nullable = (value: number | undefined) => (value === undefined ? null : round(value));
