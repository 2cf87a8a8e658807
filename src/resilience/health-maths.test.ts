import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addToMinute,
  createMinuteCounter,
  createSampleRing,
  createSlidingWindow,
  clearWindow,
  ewma,
  minuteTotals,
  p95,
  percentile,
  pushSample,
  recordOutcome,
  ringP95,
  ringPercentile,
  sampleValues,
  windowCounts,
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
    const window = createSlidingWindow(10_000);
    recordOutcome(window, 'success', 1_000);
    recordOutcome(window, 'failure', 2_500);
    recordOutcome(window, 'failure', 9_999);
    expect(windowCounts(window, 10_000)).toEqual({ successes: 1, failures: 2 });
  });

  it('forgets a sample once it is windowMs old', () => {
    const window = createSlidingWindow(10_000);
    recordOutcome(window, 'failure', 1_000);
    expect(windowCounts(window, 10_999)).toEqual({ successes: 0, failures: 1 });
    expect(windowCounts(window, 11_000)).toEqual({ successes: 0, failures: 0 });
  });

  it('keeps one bucket per slot however many samples arrive', () => {
    const window = createSlidingWindow(30_000, 10);
    for (let time = 0; time < 1_000_000; time += 7) recordOutcome(window, 'success', time);
    expect(window.indices).toHaveLength(10);
    expect(windowCounts(window, 1_000_000).successes).toBeLessThanOrEqual(30_000 / 7 + 1);
  });

  it('drops a sample older than the whole ring', () => {
    const window = createSlidingWindow(10_000);
    recordOutcome(window, 'success', 50_000);
    recordOutcome(window, 'failure', 20_000);
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
    expect(window.indices).toHaveLength(length);
    expect(window.successes).toHaveLength(length);
    expect(window.failures).toHaveLength(length);
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
          const window = createSlidingWindow(windowMs, bucketCount);
          for (const { success, at } of outcomes) recordOutcome(window, success ? 'success' : 'failure', at);
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
          const window = createSlidingWindow(windowMs, bucketCount);
          for (const { success, at } of ordered) recordOutcome(window, success ? 'success' : 'failure', at);
          const now = ordered.at(-1)?.at ?? 0;
          const keptFor = (window.indices.length - 1) * window.bucketMs;
          const recent = ordered.filter(({ at }) => now - at <= keptFor);
          const counts = windowCounts(window, now);
          expect(counts.successes).toBeGreaterThanOrEqual(recent.filter(({ success }) => success).length);
          expect(counts.failures).toBeGreaterThanOrEqual(recent.filter(({ success }) => !success).length);
        },
      ),
    );
  });
});

describe('sliding window, updated in place', () => {
  it('reuses a slot once the ring has come round, starting its counts afresh', () => {
    const window = createSlidingWindow(10_000, 10);
    recordOutcome(window, 'failure', 500);
    recordOutcome(window, 'failure', 900);
    // 10 s later the same slot (index 0 → 10) holds the new bucket; the old failures are gone.
    recordOutcome(window, 'success', 10_500);
    expect(windowCounts(window, 10_500)).toEqual({ successes: 1, failures: 0 });
    expect(Array.from(window.indices).filter((index) => index !== Number.NEGATIVE_INFINITY)).toEqual([10]);
  });

  it('rolls bucket by bucket: each second drops exactly the outcomes of the slot that left', () => {
    const window = createSlidingWindow(10_000, 10);
    for (let second = 0; second < 10; second += 1) for (let count = 0; count <= second; count += 1) recordOutcome(window, 'success', second * 1_000);
    // 1 + 2 + … + 10 outcomes, one bucket per second.
    expect(windowCounts(window, 9_999).successes).toBe(55);
    for (let second = 10; second < 20; second += 1) {
      // Seconds 0 … second-10 have left; they held 1 … second-9 outcomes.
      const dropped = ((second - 9) * (second - 8)) / 2;
      expect(windowCounts(window, second * 1_000).successes).toBe(55 - dropped);
    }
    expect(windowCounts(window, 19_000).successes).toBe(0);
  });

  it('writes counts into the object it is given', () => {
    const window = createSlidingWindow(10_000);
    recordOutcome(window, 'success', 1);
    recordOutcome(window, 'failure', 2);
    const into = { successes: 99, failures: 99 };
    expect(windowCounts(window, 3, into)).toBe(into);
    expect(into).toEqual({ successes: 1, failures: 1 });
  });

  it('empties on clearWindow', () => {
    const window = createSlidingWindow(10_000);
    recordOutcome(window, 'failure', 1);
    clearWindow(window);
    expect(windowCounts(window, 1)).toEqual({ successes: 0, failures: 0 });
    recordOutcome(window, 'success', 1);
    expect(windowCounts(window, 1)).toEqual({ successes: 1, failures: 0 });
  });

  it('counts exactly what a list of timestamped outcomes holds, whatever the order (property)', () => {
    const outcome = fc.record({ success: fc.boolean(), at: fc.integer({ min: 0, max: 100_000 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5_000 }), fc.array(outcome, { maxLength: 200 }), fc.integer({ min: 0, max: 120_000 }), (bucketCount, bucketMs, outcomes, now) => {
        const window = createSlidingWindow(bucketCount * bucketMs, bucketCount);
        for (const { success, at } of outcomes) recordOutcome(window, success ? 'success' : 'failure', at);
        // Reference: a slot keeps only its newest bucket index; outcomes of that index count
        // if it is among the last bucketCount indices at `now`.
        const slotIndex = new Map<number, number>();
        for (const { at } of outcomes) {
          const index = Math.floor(at / bucketMs);
          const slot = index % bucketCount;
          slotIndex.set(slot, Math.max(slotIndex.get(slot) ?? -1, index));
        }
        const oldest = Math.floor(now / bucketMs) - bucketCount + 1;
        const kept = outcomes.filter(({ at }) => {
          const index = Math.floor(at / bucketMs);
          return slotIndex.get(index % bucketCount) === index && index >= oldest;
        });
        expect(windowCounts(window, now)).toEqual({
          successes: kept.filter(({ success }) => success).length,
          failures: kept.filter(({ success }) => !success).length,
        });
      }),
    );
  });
});

describe('minute counter', () => {
  it('adds requests and units within one minute', () => {
    const counter = createMinuteCounter();
    addToMinute(counter, 60_000, 1, 0);
    addToMinute(counter, 61_000, 1, 0);
    addToMinute(counter, 119_999, 0, 500);
    expect(minuteTotals(counter, 119_999)).toEqual({ requests: 2, units: 500 });
  });

  it('starts afresh when the minute turns', () => {
    const counter = createMinuteCounter();
    addToMinute(counter, 60_000, 3, 300);
    expect(minuteTotals(counter, 120_000)).toEqual({ requests: 0, units: 0 });
    addToMinute(counter, 120_000, 1, 10);
    expect(minuteTotals(counter, 120_500)).toEqual({ requests: 1, units: 10 });
  });

  it('ignores a late report for a minute already past', () => {
    const counter = createMinuteCounter();
    addToMinute(counter, 120_000, 1, 10);
    addToMinute(counter, 119_000, 5, 50);
    expect(minuteTotals(counter, 120_000)).toEqual({ requests: 1, units: 10 });
  });

  it('reads zero before anything was added', () => {
    expect(minuteTotals(createMinuteCounter(), 0)).toEqual({ requests: 0, units: 0 });
  });

  it('writes totals into the object it is given', () => {
    const counter = createMinuteCounter();
    addToMinute(counter, 0, 2, 20);
    const into = { requests: -1, units: -1 };
    expect(minuteTotals(counter, 1, into)).toBe(into);
    expect(into).toEqual({ requests: 2, units: 20 });
    expect(minuteTotals(counter, 60_000, into)).toEqual({ requests: 0, units: 0 });
  });
});

describe('sample ring', () => {
  it('keeps only the last `capacity` samples', () => {
    const ring = createSampleRing(3);
    for (const value of [1, 2, 3, 4, 5]) pushSample(ring, value);
    expect(sampleValues(ring).sort()).toEqual([3, 4, 5]);
  });

  it('never grows past its capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(sample, { maxLength: 300 }), (capacity, samples) => {
        const ring = createSampleRing(capacity);
        for (const value of samples) pushSample(ring, value);
        expect(ring.size).toBe(Math.min(capacity, samples.length));
        expect(ring.values).toHaveLength(capacity);
        expect(sampleValues(ring).sort((a, b) => a - b)).toEqual(samples.slice(-capacity).sort((a, b) => a - b));
      }),
    );
  });
});

describe('sample ring, updated in place', () => {
  it('wraps round, overwriting the oldest sample first', () => {
    const ring = createSampleRing(4);
    for (const value of [1, 2, 3, 4]) pushSample(ring, value);
    expect({ size: ring.size, next: ring.next }).toEqual({ size: 4, next: 0 });
    pushSample(ring, 5);
    pushSample(ring, 6);
    expect(Array.from(ring.values)).toEqual([5, 6, 3, 4]);
    expect({ size: ring.size, next: ring.next }).toEqual({ size: 4, next: 2 });
    for (const value of [7, 8, 9]) pushSample(ring, value);
    expect(Array.from(ring.values)).toEqual([9, 6, 7, 8]);
    expect(ring.next).toBe(1);
  });

  it('takes the p95 of the samples it holds after wrapping, not of those it overwrote', () => {
    const ring = createSampleRing(100);
    for (let value = 1_000; value < 1_100; value += 1) pushSample(ring, value);
    expect(ringP95(ring)).toBe(1_094);
    for (let value = 1; value <= 100; value += 1) pushSample(ring, value);
    expect(ringP95(ring)).toBe(95);
    // Half wrapped again: 101..150 replaced 1..50, so the ring holds 51..150.
    for (let value = 101; value <= 150; value += 1) pushSample(ring, value);
    expect(ringP95(ring)).toBe(145);
    expect(ringPercentile(ring, 1)).toBe(150);
  });

  it('leaves the ring as it was when taking a percentile', () => {
    const ring = createSampleRing(5);
    for (const value of [9, 1, 8, 2, 7]) pushSample(ring, value);
    ringP95(ring);
    percentile(ring.values, 0.5);
    expect(Array.from(ring.values)).toEqual([9, 1, 8, 2, 7]);
  });

  it('is undefined for an empty ring, whatever its stale slots hold', () => {
    expect(ringP95(createSampleRing())).toBeUndefined();
  });

  it('agrees with a sorted nearest rank on any ring (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 600 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (capacity, samples, fraction) => {
        const ring = createSampleRing(capacity);
        for (const value of samples) pushSample(ring, value);
        const held = samples.slice(-capacity).sort((a, b) => a - b);
        const expected = held.length === 0 ? undefined : held[Math.min(held.length, Math.max(1, Math.ceil(fraction * held.length))) - 1];
        expect(ringPercentile(ring, fraction)).toBe(expected);
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
