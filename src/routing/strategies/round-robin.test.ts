import { describe, expect, it } from 'vitest';
import { candidate, context, ids } from './__fixtures__/strategy-fixtures';
import { roundRobinStrategy } from './round-robin';
import type { Candidate, RouteStrategyState } from './types';
import { newRouteStrategyState } from './types';

function picks(candidates: Candidate[], count: number, state: RouteStrategyState = newRouteStrategyState()): string[] {
  return Array.from({ length: count }, () => ids(roundRobinStrategy(candidates, context({ state })))[0]);
}

describe('roundRobinStrategy', () => {
  it('gives the nginx smooth sequence for weights 5, 1, 1', () => {
    const candidates = [candidate('a', { weight: 5 }), candidate('b', { weight: 1 }), candidate('c', { weight: 1 })];
    expect(picks(candidates, 14).join(' ')).toBe('a a b a c a a a a b a c a a');
  });

  it.each([
    ['equal weights rotate', [1, 1, 1], 'a b c a b c'],
    ['weights 2, 1', [2, 1], 'a b a a b a'],
    ['every weight 0 rotates too', [0, 0, 0], 'a b c a b c'],
    ['weight 0 is never picked first', [1, 0, 1], 'a c a c a c'],
  ])('%s', (_name, weights, expected) => {
    const candidates = weights.map((weight, index) => candidate('abc'[index], { weight }));
    expect(picks(candidates, 6).join(' ')).toBe(expected);
  });

  it('matches the weight shares exactly over whole cycles', () => {
    const candidates = [candidate('a', { weight: 5 }), candidate('b', { weight: 3 }), candidate('c', { weight: 2 })];
    const sequence = picks(candidates, 10_000);
    const share = (id: string) => sequence.filter((pick) => pick === id).length / sequence.length;
    expect([share('a'), share('b'), share('c')]).toEqual([0.5, 0.3, 0.2]);
  });

  it('orders fallbacks by whose turn is nearest, drained ones last', () => {
    const candidates = [candidate('a', { weight: 5 }), candidate('b', { weight: 1 }), candidate('c', { weight: 1 }), candidate('z', { weight: 0 })];
    const state = newRouteStrategyState();
    const orders = Array.from({ length: 3 }, () => ids(roundRobinStrategy(candidates, context({ state }))).join(''));
    // Current weights after each pick: (-2, 1, 1), (-4, 2, 2), (1, -4, 3).
    expect(orders).toEqual(['abcz', 'abcz', 'bcaz']);
  });

  it('keeps the rotation in the route state, so a fresh state starts over', () => {
    const candidates = [candidate('a'), candidate('b')];
    const state = newRouteStrategyState();
    expect(picks(candidates, 3, state)).toEqual(['a', 'b', 'a']);
    expect(picks(candidates, 1, state)).toEqual(['b']);
    expect(picks(candidates, 1)).toEqual(['a']);
  });

  it('resumes a deployment’s turn when it returns after being filtered out', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((id) => candidate(id));
    const state = newRouteStrategyState();
    expect(picks([a, b, c], 1, state)).toEqual(['a']);
    // c is filtered out (say, breaker open) for two requests; a has just had its turn, so b
    // serves both. When c returns, its turn is due first.
    expect(picks([a, b], 2, state)).toEqual(['b', 'b']);
    expect(picks([a, b, c], 3, state)).toEqual(['c', 'a', 'b']);
  });
});
