import { describe, expect, it } from 'vitest';
import { adaptiveStrategy } from './adaptive';
import { candidate, context, firstShares, ids, seededRandom } from './__fixtures__/strategy-fixtures';

const RUNS = 10_000;
const learned = (shares: Record<string, number>) => ({ weight: (_route: string, deployment: string) => shares[deployment] });

describe('adaptiveStrategy', () => {
  it('draws the first choice in proportion to the learned shares', () => {
    const candidates = [candidate('a'), candidate('b'), candidate('c')];
    const random = seededRandom(3);
    const shares = firstShares(RUNS, () => adaptiveStrategy(candidates, context({ random, route: 'chat', adaptive: learned({ a: 0.7, b: 0.2, c: 0.1 }) })));
    expect(shares.get('a')!).toBeCloseTo(0.7, 1);
    expect(shares.get('b')!).toBeCloseTo(0.2, 1);
    expect(shares.get('c')!).toBeCloseTo(0.1, 1);
  });

  it('gives deployments nothing was learned for an equal share, and draws uniformly before any learning', () => {
    const candidates = [candidate('a'), candidate('b')];
    const random = seededRandom(4);
    const shares = firstShares(RUNS, () => adaptiveStrategy(candidates, context({ random, route: 'chat' })));
    expect(shares.get('a')!).toBeCloseTo(0.5, 1);
  });

  it('multiplies by an SLA weight factor, and still drains a configured weight of 0', () => {
    const candidates = [candidate('a'), candidate('b'), candidate('off', { weight: 0 })];
    const random = seededRandom(5);
    const shares = firstShares(RUNS, () => adaptiveStrategy(candidates, context({ random, route: 'chat', adaptive: learned({ a: 0.5, b: 0.5, off: 0.9 }), weightFactor: (id) => (id === 'a' ? 0.25 : 1) })));
    expect(shares.get('a')!).toBeCloseTo(0.2, 1);
    expect(shares.get('off')).toBeUndefined();
    const decision = adaptiveStrategy(candidates, context({ seed: 1, route: 'chat', adaptive: learned({ a: 0.5, b: 0.5 }), weightFactor: (id) => (id === 'a' ? 0.25 : 1) }));
    expect(ids(decision).at(-1)).toBe('off');
    expect(decision.notes?.().a).toContain('× 0.25 (SLA)');
    expect(decision.reason).toMatch(/^adaptive draw by learned weights/);
  });

  it('replays the same order from the same seed', () => {
    const candidates = [candidate('a'), candidate('b'), candidate('c')];
    const run = () => ids(adaptiveStrategy(candidates, context({ seed: 8, route: 'chat', adaptive: learned({ a: 0.2, b: 0.3, c: 0.5 }) })));
    expect(run()).toEqual(run());
  });
});
