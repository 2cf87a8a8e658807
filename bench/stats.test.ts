import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, rank, SampleBuffer, summarise } from './stats';

describe('rank (nearest-rank percentile)', () => {
  const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it.each([
    [0.5, 5],
    [0.9, 9],
    [0.99, 10],
    [0.1, 1],
    [0, 1],
    [1, 10],
  ])('p%s of 1..10 is %s', (fraction, expected) => {
    expect(rank(sorted, fraction)).toBe(expected);
  });

  it('returns a sample with at least the fraction of samples at or below it, and fewer strictly below', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0.001, max: 1, noNaN: true }), (values, fraction) => {
        const sorted = [...values].sort((a, b) => a - b);
        const value = rank(sorted, fraction);
        expect(values).toContain(value);
        expect(values.filter((sample) => sample <= value).length).toBeGreaterThanOrEqual(Math.ceil(fraction * values.length));
        expect(values.filter((sample) => sample < value).length).toBeLessThan(Math.ceil(fraction * values.length));
      }),
    );
  });
});

describe('summarise', () => {
  it('gives exact percentiles without reordering the input', () => {
    const samples = Float64Array.from({ length: 1000 }, (_, index) => 1000 - index);
    const summary = summarise(samples);
    expect(summary).toEqual({ count: 1000, mean: 500.5, p50: 500, p90: 900, p99: 990, p999: 999, max: 1000 });
    expect(samples[0]).toBe(1000);
  });

  it('gives NaN figures for no samples', () => {
    expect(summarise([]).p50).toBeNaN();
    expect(summarise([]).count).toBe(0);
  });
});

describe('SampleBuffer', () => {
  it('keeps every sample as it grows past its initial capacity', () => {
    const buffer = new SampleBuffer(16);
    for (let value = 1; value <= 100; value++) buffer.add(value);
    expect(buffer.count).toBe(100);
    expect(buffer.summarise()).toMatchObject({ count: 100, p50: 50, max: 100, mean: 50.5 });
  });
});

describe('median', () => {
  it.each([
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[5], 5],
    [[NaN, 7, 1], 4],
    [[], NaN],
  ])('median of %j is %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});
