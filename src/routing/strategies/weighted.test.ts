import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidate, candidatesArbitrary, context, firstShares, ids, seededRandom } from './__fixtures__/strategy-fixtures';
import { weightedStrategy } from './weighted';

const RUNS = 10_000;

describe('weightedStrategy', () => {
  it.each([
    ['5 / 3 / 2', { a: 5, b: 3, c: 2 }, { a: 0.5, b: 0.3, c: 0.2 }],
    ['1 / 1', { a: 1, b: 1 }, { a: 0.5, b: 0.5 }],
    ['fractional 0.9 / 0.1', { a: 0.9, b: 0.1 }, { a: 0.9, b: 0.1 }],
  ])('first picks converge to the weight shares (%s)', (_name, weights, expected) => {
    const candidates = Object.entries(weights).map(([id, weight]) => candidate(id, { weight }));
    const random = seededRandom(11);
    const shares = firstShares(RUNS, () => weightedStrategy(candidates, context({ random })));
    for (const [id, share] of Object.entries(expected)) expect(Math.abs((shares.get(id) ?? 0) - share)).toBeLessThan(0.02);
  });

  it('biases the fallback order by weight too', () => {
    // Weights 6 / 3 / 1: second place is b with P = 0.6 × 3/4 + 0.1 × 3/9 ≈ 0.483,
    // a with 0.3 × 6/7 + 0.1 × 6/9 ≈ 0.324 and c with 0.6 × 1/4 + 0.3 × 1/7 ≈ 0.193.
    const candidates = [candidate('a', { weight: 6 }), candidate('b', { weight: 3 }), candidate('c', { weight: 1 })];
    const random = seededRandom(12);
    const counts = new Map<string, number>();
    for (let run = 0; run < RUNS; run += 1) {
      const second = ids(weightedStrategy(candidates, context({ random })))[1];
      counts.set(second, (counts.get(second) ?? 0) + 1);
    }
    expect(Math.abs(counts.get('b')! / RUNS - 0.483)).toBeLessThan(0.02);
    expect(Math.abs(counts.get('a')! / RUNS - 0.324)).toBeLessThan(0.02);
    expect(Math.abs(counts.get('c')! / RUNS - 0.193)).toBeLessThan(0.02);
  });

  it('tries weight-0 deployments only after every weighted one, in route order', () => {
    fc.assert(
      fc.property(candidatesArbitrary, fc.integer(), (candidates, seed) => {
        const ordered = weightedStrategy(candidates, context({ seed })).ordered;
        const weighted = candidates.filter((entry) => entry.deployment.weight > 0);
        const drained = candidates.filter((entry) => entry.deployment.weight === 0);
        if (weighted.length === 0) return;
        expect(new Set(ordered.slice(0, weighted.length))).toEqual(new Set(weighted));
        expect(ordered.slice(weighted.length)).toEqual(drained);
      }),
    );
  });

  it('shuffles uniformly when every weight is 0', () => {
    const candidates = [candidate('a', { weight: 0 }), candidate('b', { weight: 0 })];
    const random = seededRandom(13);
    const shares = firstShares(2_000, () => weightedStrategy(candidates, context({ random })));
    expect(Math.abs(shares.get('a')! - 0.5)).toBeLessThan(0.05);
  });

  it('notes each weight share', () => {
    const decision = weightedStrategy([candidate('a', { weight: 3 }), candidate('b', { weight: 1 }), candidate('z', { weight: 0 })], context());
    expect(decision.notes?.()).toEqual({ a: 'weight 3 (75%)', b: 'weight 1 (25%)', z: 'weight 0 (drained, tried last)' });
  });

  it('multiplies the weights by an SLA weight factor', () => {
    const candidates = [candidate('a', { weight: 1 }), candidate('b', { weight: 1 })];
    const random = seededRandom(13);
    const weightFactor = (id: string) => (id === 'a' ? 0.25 : 1);
    const shares = firstShares(RUNS, () => weightedStrategy(candidates, context({ random, weightFactor })));
    expect(Math.abs(shares.get('a')! - 0.2)).toBeLessThan(0.02);
    expect(weightedStrategy(candidates, context({ weightFactor })).notes?.()).toEqual({ a: 'weight 0.25 (20%)', b: 'weight 1 (80%)' });
  });
});
