import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuse, type FusionInput } from './fusion';
import type { FusionMethod } from './types';

const METHODS: FusionMethod[] = ['auto', 'best-source', 'weighted-median', 'robust-blend', 'outlier-rejection', 'interval'];

function input(values: number[], weights?: number[], uncertainties?: (number | undefined)[]): FusionInput {
  return { values, weights: weights ?? values.map(() => 1), uncertainties: uncertainties ?? values.map(() => undefined), scaleFloor: 0, maxDeviation: 0.5 };
}

const reading = fc.record({ value: fc.double({ min: 1, max: 1000, noNaN: true }), weight: fc.double({ min: 0.05, max: 1, noNaN: true }), sigma: fc.double({ min: 0.5, max: 50, noNaN: true }) });

describe.each(METHODS)('fusion %s', (method) => {
  it('answers within [min, max] of its inputs, with shares summing to 1', () => {
    fc.assert(
      fc.property(fc.array(reading, { minLength: 1, maxLength: 6 }), (readings) => {
        const out = fuse(method, input(readings.map((r) => r.value), readings.map((r) => r.weight), readings.map((r) => r.sigma)));
        expect(out.value).toBeGreaterThanOrEqual(Math.min(...readings.map((r) => r.value)) - 1e-9);
        expect(out.value).toBeLessThanOrEqual(Math.max(...readings.map((r) => r.value)) + 1e-9);
        expect(out.shares.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 9);
      }),
    );
  });

  it('does not depend on the order of the readings', () => {
    fc.assert(
      fc.property(fc.array(reading, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 1000 }), (readings, seed) => {
        // Distinct weights and values: with exact ties "the best" may legitimately be either.
        const unique = readings.map((r, i) => ({ ...r, value: r.value + i * 1e-3, weight: r.weight + i * 1e-6 }));
        const shuffled = [...unique].sort((a, b) => ((a.value * 7919 + seed) % 13) - ((b.value * 7919 + seed) % 13));
        const one = fuse(method, input(unique.map((r) => r.value), unique.map((r) => r.weight), unique.map((r) => r.sigma)));
        const two = fuse(method, input(shuffled.map((r) => r.value), shuffled.map((r) => r.weight), shuffled.map((r) => r.sigma)));
        expect(two.value).toBeCloseTo(one.value, 6);
      }),
    );
  });
});

describe.each(['auto', 'weighted-median', 'robust-blend', 'outlier-rejection'] as const)('robustness of %s', (method) => {
  it('one wild reading among three or more agreeing ones barely moves the answer', () => {
    fc.assert(
      fc.property(fc.double({ min: 10, max: 1000, noNaN: true }), fc.integer({ min: 3, max: 5 }), fc.double({ min: 5, max: 100, noNaN: true }), (level, agreeing, factor) => {
        const values = Array.from({ length: agreeing }, (_, i) => level * (1 + (i - 1) * 0.01));
        const out = fuse(method, input([...values, level * factor]));
        expect(Math.abs(out.value - level)).toBeLessThan(0.1 * level);
      }),
    );
  });
});

describe('outlier rejection', () => {
  it('rejects a spike among three and says why', () => {
    const out = fuse('outlier-rejection', input([100, 102, 98, 500]));
    expect(out.value).toBeCloseTo(100);
    expect(out.shares[3]).toBe(0);
    expect(out.rejections[3]).toMatch(/outlier/);
  });

  it.each([
    { name: 'two agreeing sources are blended', values: [100, 104], weights: [1, 1], expected: 102, rejected: undefined },
    { name: 'two disagreeing sources: the clearly more trusted wins', values: [100, 300], weights: [0.9, 0.3], expected: 100, rejected: 1 },
    { name: 'two disagreeing, equally trusted sources are blended, not one dropped at random', values: [100, 300], weights: [0.6, 0.6], expected: 200, rejected: undefined },
  ])('$name', ({ values, weights, expected, rejected }) => {
    const out = fuse('outlier-rejection', input(values, weights));
    expect(out.value).toBeCloseTo(expected);
    if (rejected === undefined) expect(out.rejections.every((r) => r === undefined)).toBe(true);
    else expect(out.rejections[rejected]).toBeDefined();
  });

  it('with two disagreeing sources reports the gap as spread (which lowers confidence)', () => {
    expect(fuse('outlier-rejection', input([100, 300], [0.9, 0.3])).spread).toBe(100);
    expect(fuse('outlier-rejection', input([100, 102], [0.9, 0.3])).spread).toBe(1);
  });
});

describe('interval intersection', () => {
  it('keeps the readings whose intervals overlap and rejects the one that misses', () => {
    const out = fuse('interval', input([100, 101, 99, 150], [1, 1, 1, 1], [2, 2, 2, 2]));
    expect(out.value).toBeCloseTo(100, 0);
    expect(out.shares[3]).toBe(0);
    expect(out.strategy).toBe('interval');
  });

  it('weights by inverse variance', () => {
    const out = fuse('interval', input([100, 104], [1, 1], [1, 3]));
    expect(out.value).toBeCloseTo((100 / 1 + 104 / 9) / (1 + 1 / 9), 6);
  });

  it('is what auto picks when every reading claims an uncertainty', () => {
    expect(fuse('auto', input([1, 2, 3], undefined, [1, 1, 1])).strategy).toBe('interval');
    expect(fuse('auto', input([1, 2, 3])).strategy).toBe('weighted-median');
    expect(fuse('auto', input([1, 2])).strategy).toBe('outlier-rejection');
    expect(fuse('auto', input([1])).strategy).toBe('best-source');
  });
});

describe('best source', () => {
  it('takes the reading with the highest weight', () => {
    const out = fuse('best-source', input([1, 2, 3], [0.2, 0.9, 0.5]));
    expect(out.value).toBe(2);
    expect(out.shares).toEqual([0, 1, 0]);
  });
});
