import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONFIDENCE_TABLE } from './confidence-table';
import { FEATURE_SIGNS, SYNTHETIC_CAP, confidenceOf, syntheticConfidence, type ConfidenceFeatures } from './confidence';

const features = fc.record({
  spread: fc.double({ min: 0, max: 20, noNaN: true }),
  used: fc.integer({ min: 1, max: 6 }),
  trust: fc.double({ min: 0, max: 1, noNaN: true }),
  unused: fc.double({ min: 0, max: 1, noNaN: true }),
  offMedian: fc.double({ min: 0, max: 20, noNaN: true }),
  farthest: fc.double({ min: 0, max: 50, noNaN: true }),
  surprise: fc.double({ min: 0, max: 50, noNaN: true }),
});

describe('confidence', () => {
  it('the shipped table keeps the required signs', () => {
    CONFIDENCE_TABLE.weights.forEach((weight, i) => expect(weight * FEATURE_SIGNS[i]).toBeGreaterThanOrEqual(0));
  });

  it('stays in (0, 1)', () => {
    fc.assert(fc.property(features, (f) => {
      const c = confidenceOf(f);
      expect(c).toBeGreaterThan(0);
      expect(c).toBeLessThan(1);
    }));
  });

  it.each<[keyof ConfidenceFeatures, number]>([
    ['spread', -1],
    ['used', 1],
    ['trust', 1],
    ['unused', -1],
    ['offMedian', -1],
    ['farthest', -1],
    ['surprise', -1],
  ])('is monotone in %s', (name, direction) => {
    fc.assert(
      fc.property(features, fc.double({ min: 0.01, max: 5, noNaN: true }), (f, step) => {
        const more = { ...f, [name]: name === 'trust' || name === 'unused' ? Math.min(1, f[name] + step / 10) : f[name] + (name === 'used' ? 1 : step) };
        const delta = confidenceOf(more) - confidenceOf(f);
        expect(delta * direction).toBeGreaterThanOrEqual(-1e-12);
      }),
    );
  });

  it('ranks a clear case above a contested one', () => {
    const clear = confidenceOf({ spread: 0.1, used: 4, trust: 0.9, unused: 0, offMedian: 0, farthest: 0.3, surprise: 0.2 });
    const contested = confidenceOf({ spread: 2, used: 2, trust: 0.5, unused: 0.5, offMedian: 1, farthest: 5, surprise: 4 });
    expect(clear).toBeGreaterThan(contested);
  });

  it('gives synthetic values less confidence the wider their uncertainty, and never more than the cap', () => {
    expect(syntheticConfidence(10, 1)).toBe(SYNTHETIC_CAP);
    expect(syntheticConfidence(10, 20)).toBeLessThan(syntheticConfidence(10, 10));
    expect(syntheticConfidence(10, 1000)).toBeLessThan(0.05);
  });
});
