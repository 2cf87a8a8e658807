import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addToMinute,
  createMinuteCounter,
  createSampleRing,
  createSlidingWindow,
  ewma,
  minuteTotals,
  p95,
  percentile,
  pushSample,
  recordOutcome,
  windowCounts,
  type SlidingWindow,
} from './health-maths';

const sample = fc.double({ min: 0, max: 1e6, noNaN: true });
const alpha = fc.double({ min: 0.01, max: 1, noNaN: true });

describe('ewma', () => {
  it('takes the first sample as it is', () => {
    expect(ewma(undefined, 250)).toBe(250);
  });

  it.each([
    [100, 200, 0.3, 130],
    [100, 200, 0.5, 150],
    [100, 200, 1, 200],
    [200, 100, 0.25, 175],
  ])('moves %d towards %d by alpha %d', (previous, next, weight, expected) => {
    expect(ewma(previous, next, weight)).toBeCloseTo(expected, 9);
  });

  it('never rounds outside its samples', () => {
    expect(ewma(7.210033783320327e-301, 3.3972945424800604e-301, 1)).toBe(3.3972945424800604e-301);
  });

  it('defaults alpha to 0.3', () => {
    expect(ewma(0, 10)).toBeCloseTo(3, 9);
  });

  it('stays within the smallest and largest sample', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 200 }), alpha, (samples, weight) => {
        const value = samples.reduce<number | undefined>((average, next) => ewma(average, next, weight), undefined);
        expect(value).toBeGreaterThanOrEqual(Math.min(...samples));
        expect(value).toBeLessThanOrEqual(Math.max(...samples));
      }),
    );
  });
});

describe('sliding window', () => {
  it('counts successes and failures inside the window', () => {
    let window = createSlidingWindow(10_000);
    window = recordOutcome(window, 'success', 1_000);
    window = recordOutcome(window, 'failure', 2_500);
    window = recordOutcome(window, 'failure', 9_999);
    expect(windowCounts(window, 10_000)).toEqual({ successes: 1, failures: 2 });
  });

  it('forgets a sample once it is windowMs old', () => {
    let window = createSlidingWindow(10_000);
    window = recordOutcome(window, 'failure', 1_000);
    expect(windowCounts(window, 10_999)).toEqual({ successes: 0, failures: 1 });
    expect(windowCounts(window, 11_000)).toEqual({ successes: 0, failures: 0 });
  });

  it('keeps one bucket per slot however many samples arrive', () => {
    let window = createSlidingWindow(30_000, 10);
    for (let time = 0; time < 1_000_000; time += 7) window = recordOutcome(window, 'success', time);
    expect(window.buckets).toHaveLength(10);
    expect(windowCounts(window, 1_000_000).successes).toBeLessThanOrEqual(30_000 / 7 + 1);
  });

  it('drops a sample older than the whole ring', () => {
    let window = createSlidingWindow(10_000);
    window = recordOutcome(window, 'success', 50_000);
    window = recordOutcome(window, 'failure', 20_000);
    expect(windowCounts(window, 50_000)).toEqual({ successes: 1, failures: 0 });
  });

  it.each([
    [30_000, 10, 3_000, 10],
    [10, 10, 1, 10],
    [5, 10, 1, 5],
    [1_001, 10, 100, 10],
  ])('splits %d ms into %d buckets as %d ms × %d', (windowMs, bucketCount, bucketMs, length) => {
    const window = createSlidingWindow(windowMs, bucketCount);
    expect(window.bucketMs).toBe(bucketMs);
    expect(window.buckets).toHaveLength(length);
  });

  const outcome = fc.record({
    success: fc.boolean(),
    at: fc.integer({ min: 0, max: 200_000 }),
  });

  it('never counts more than was added, and never a sample windowMs old', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(outcome, { maxLength: 200 }),
        fc.integer({ min: 0, max: 300_000 }),
        (windowMs, bucketCount, outcomes, now) => {
          let window: SlidingWindow = createSlidingWindow(windowMs, bucketCount);
          for (const { success, at } of outcomes) window = recordOutcome(window, success ? 'success' : 'failure', at);
          const counts = windowCounts(window, now);
          const recent = outcomes.filter(({ at }) => now - at < windowMs);
          expect(counts.successes).toBeLessThanOrEqual(recent.filter(({ success }) => success).length);
          expect(counts.failures).toBeLessThanOrEqual(recent.filter(({ success }) => !success).length);
        },
      ),
    );
  });

  it('keeps every sample younger than all but one bucket when recorded in time order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(outcome, { maxLength: 200 }),
        (windowMs, bucketCount, outcomes) => {
          const ordered = outcomes.slice().sort((a, b) => a.at - b.at);
          let window = createSlidingWindow(windowMs, bucketCount);
          for (const { success, at } of ordered) window = recordOutcome(window, success ? 'success' : 'failure', at);
          const now = ordered.at(-1)?.at ?? 0;
          const keptFor = (window.buckets.length - 1) * window.bucketMs;
          const recent = ordered.filter(({ at }) => now - at <= keptFor);
          const counts = windowCounts(window, now);
          expect(counts.successes).toBeGreaterThanOrEqual(recent.filter(({ success }) => success).length);
          expect(counts.failures).toBeGreaterThanOrEqual(recent.filter(({ success }) => !success).length);
        },
      ),
    );
  });
});

describe('minute counter', () => {
  it('adds requests and tokens within one minute', () => {
    let counter = createMinuteCounter();
    counter = addToMinute(counter, 60_000, 1, 0);
    counter = addToMinute(counter, 61_000, 1, 0);
    counter = addToMinute(counter, 119_999, 0, 500);
    expect(minuteTotals(counter, 119_999)).toEqual({ requests: 2, tokens: 500 });
  });

  it('starts afresh when the minute turns', () => {
    let counter = addToMinute(createMinuteCounter(), 60_000, 3, 300);
    expect(minuteTotals(counter, 120_000)).toEqual({ requests: 0, tokens: 0 });
    counter = addToMinute(counter, 120_000, 1, 10);
    expect(minuteTotals(counter, 120_500)).toEqual({ requests: 1, tokens: 10 });
  });

  it('ignores a late report for a minute already past', () => {
    const counter = addToMinute(addToMinute(createMinuteCounter(), 120_000, 1, 10), 119_000, 5, 50);
    expect(minuteTotals(counter, 120_000)).toEqual({ requests: 1, tokens: 10 });
  });

  it('reads zero before anything was added', () => {
    expect(minuteTotals(createMinuteCounter(), 0)).toEqual({ requests: 0, tokens: 0 });
  });
});

describe('sample ring', () => {
  it('keeps only the last `capacity` samples', () => {
    let ring = createSampleRing(3);
    for (const value of [1, 2, 3, 4, 5]) ring = pushSample(ring, value);
    expect([...ring.values].sort()).toEqual([3, 4, 5]);
  });

  it('never grows past its capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(sample, { maxLength: 300 }), (capacity, samples) => {
        const ring = samples.reduce(pushSample, createSampleRing(capacity));
        expect(ring.values.length).toBe(Math.min(capacity, samples.length));
        expect([...ring.values].sort((a, b) => a - b)).toEqual(samples.slice(-capacity).sort((a, b) => a - b));
      }),
    );
  });
});

describe('percentile', () => {
  it('is undefined without samples', () => {
    expect(p95([])).toBeUndefined();
  });

  it.each([
    [[5], 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 19],
    [Array.from({ length: 100 }, (_, index) => 100 - index), 95],
  ])('takes the nearest rank of %j', (samples, expected) => {
    expect(p95(samples)).toBe(expected);
  });

  it('takes the median and maximum by nearest rank', () => {
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2);
    expect(percentile([4, 1, 3, 2], 1)).toBe(4);
  });

  it('is one of the samples and at least 95% of them', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 300 }), (samples) => {
        const value = p95(samples) as number;
        expect(samples).toContain(value);
        const atOrBelow = samples.filter((other) => other <= value).length;
        expect(atOrBelow).toBeGreaterThanOrEqual(0.95 * samples.length);
      }),
    );
  });
});
