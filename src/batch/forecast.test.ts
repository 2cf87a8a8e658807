import { describe, expect, it } from 'vitest';
import { seededRandom } from '../resilience/random';
import { bucketStart, DAY_MS, DEFAULT_BUCKET_MS, fitSeasonal, forecastAccuracy, observeBucket, predictBucket, type LoadPoint } from './forecast';

const START = Date.UTC(2026, 10, 2);

/** A daily pattern: quiet at night, a morning and an afternoon peak; per bucket, with seeded noise. */
function dailyPattern(days: number, noise = 0.05, seed = 7): LoadPoint[] {
  const random = seededRandom(seed);
  const points: LoadPoint[] = [];
  for (let at = START; at < START + days * DAY_MS; at += DEFAULT_BUCKET_MS) {
    points.push({ start: at, requests: Math.round(expected(at) * (1 + noise * (random() * 2 - 1))) });
  }
  return points;
}

function expected(at: number): number {
  const hour = ((at % DAY_MS) / DAY_MS) * 24;
  return 200 + 800 * Math.exp(-((hour - 10) ** 2) / 6) + 600 * Math.exp(-((hour - 15) ** 2) / 8);
}

describe('seasonal forecast', () => {
  it('recovers a daily pattern from a week of history, within a few percent', () => {
    const model = fitSeasonal(dailyPattern(7))!;
    const nextDay = dailyPattern(8).slice(7 * 96);
    const pairs = nextDay.map((point) => ({ predicted: predictBucket(model, point.start), actual: point.requests }));
    const accuracy = forecastAccuracy(pairs);
    expect(accuracy.buckets).toBe(96);
    expect(accuracy.mape).toBeLessThan(6);
    expect(accuracy.wape).toBeLessThan(5);
    // The peak is predicted at the peak, the trough at the trough.
    const peak = pairs.reduce((best, pair, index) => (pair.predicted > pairs[best]!.predicted ? index : best), 0);
    expect(Math.abs(peak - 40)).toBeLessThanOrEqual(2);
    expect(predictBucket(model, START + 7 * DAY_MS + 3 * 3_600_000)).toBeLessThan(300);
  });

  it('treats missing buckets as empty and predicts nothing negative', () => {
    const sparse = [{ start: START, requests: 5 }, { start: START + 10 * DEFAULT_BUCKET_MS, requests: 50 }];
    const model = fitSeasonal(sparse)!;
    for (let index = 0; index < 96; index += 1) expect(predictBucket(model, START + DAY_MS + index * DEFAULT_BUCKET_MS)).toBeGreaterThanOrEqual(0);
    expect(fitSeasonal([])).toBeUndefined();
  });

  it('learns online: a new bucket moves the prediction towards it', () => {
    const model = fitSeasonal(dailyPattern(3), { parameters: { alpha: 0.5, beta: 0, gamma: 0.3 } })!;
    const next = model.lastStart + DEFAULT_BUCKET_MS;
    const before = predictBucket(model, next + DEFAULT_BUCKET_MS);
    const updated = observeBucket(model, { start: next, requests: 5_000 });
    expect(updated.lastStart).toBe(next);
    expect(predictBucket(updated, next + DEFAULT_BUCKET_MS)).toBeGreaterThan(before);
    // The model it came from is unchanged.
    expect(predictBucket(model, next + DEFAULT_BUCKET_MS)).toBe(before);
  });

  it('scores predictions with MAPE over buckets with traffic and WAPE over all', () => {
    expect(forecastAccuracy([{ predicted: 110, actual: 100 }, { predicted: 5, actual: 0 }, { predicted: 45, actual: 50 }])).toEqual({ mape: 10, wape: 20 / 150 * 100, buckets: 3 });
    expect(forecastAccuracy([{ predicted: 1, actual: 0 }]).mape).toBeUndefined();
    expect(bucketStart(START + 16 * 60_000)).toBe(START + DEFAULT_BUCKET_MS);
  });
});
