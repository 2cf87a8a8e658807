import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, quantile, spearman, weightedMedian } from './stats';

describe('median and weighted median', () => {
  it.each([
    [[3], 3],
    [[1, 2], 1.5],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])('median(%j) = %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it.each([
    { values: [1, 2, 3], weights: [1, 1, 1], expected: 2 },
    { values: [1, 2, 3, 4], weights: [1, 1, 1, 1], expected: 2.5 },
    { values: [1, 2, 3], weights: [5, 1, 1], expected: 1 },
    { values: [1, 2, 3], weights: [0, 1, 1], expected: 2.5 },
    { values: [10, 10, 30], weights: [0.5, 0.5, 1], expected: 20 },
  ])('weightedMedian($values, $weights) = $expected', ({ values, weights, expected }) => {
    expect(weightedMedian(values, weights)).toBe(expected);
  });

  it('equal weights give the plain median', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 9 }), (values) => {
        expect(weightedMedian(values, values.map(() => 1))).toBeCloseTo(median(values), 6);
      }),
    );
  });

  it('stays within the range of the values whatever the weights', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0.01, max: 10, noNaN: true })), { minLength: 1, maxLength: 9 }), (pairs) => {
        const value = weightedMedian(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
        expect(value).toBeGreaterThanOrEqual(Math.min(...pairs.map((p) => p[0])));
        expect(value).toBeLessThanOrEqual(Math.max(...pairs.map((p) => p[0])));
      }),
    );
  });
});

describe('spearman and quantile', () => {
  it('is 1 for a monotone relation and -1 for a reversed one', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 1000])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
  });

  it('gives ties their average rank', () => {
    expect(spearman([1, 1, 2, 2], [1, 2, 3, 4])).toBeCloseTo(0.894, 3);
  });

  it('interpolates quantiles', () => {
    expect(quantile([0, 10], 0.95)).toBeCloseTo(9.5);
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
  });
});
