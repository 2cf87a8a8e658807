import { describe, expect, it } from 'vitest';
import { candidate, context, firstShares, ids, seededRandom } from './__fixtures__/strategy-fixtures';
import { p2cStrategy } from './p2c';

function run(health: Record<string, { latencyMs?: number; inFlight?: number }>, ids: string[], seed: number, runs = 2_000) {
  const candidates = ids.map((id) => candidate(id));
  const random = seededRandom(seed);
  return firstShares(runs, () => p2cStrategy(candidates, context({ health, random })));
}

describe('p2cStrategy', () => {
  it.each([
    ['the less loaded of two', { a: { latencyMs: 100, inFlight: 9 }, b: { latencyMs: 100, inFlight: 0 } }, 'b'],
    ['the faster of two', { a: { latencyMs: 80, inFlight: 1 }, b: { latencyMs: 800, inFlight: 1 } }, 'a'],
    ['an unexplored one over a sampled one', { a: { latencyMs: 50, inFlight: 0 }, b: {} }, 'b'],
  ])('always prefers %s', (_name, health, winner) => {
    expect(run(health, ['a', 'b'], 41).get(winner)).toBe(1);
  });

  it('never makes the single worst deployment primary, since it loses every pair', () => {
    const health = { a: { latencyMs: 100, inFlight: 30 }, b: { latencyMs: 100 }, c: { latencyMs: 120 }, d: { latencyMs: 90 } };
    const shares = run(health, ['a', 'b', 'c', 'd'], 42);
    expect(shares.get('a')).toBeUndefined();
    // Not only the best: d wins just the pairs it is drawn into (3 of 6).
    expect(Math.abs(shares.get('d')! - 0.5)).toBeLessThan(0.04);
  });

  it('spreads load evenly over equal deployments', () => {
    const shares = run({}, ['a', 'b', 'c'], 43, 3_000);
    for (const id of ['a', 'b', 'c']) expect(Math.abs(shares.get(id)! - 1 / 3)).toBeLessThan(0.03);
  });

  it('orders the fallbacks, the pair’s loser included, by cost', () => {
    const candidates = ['a', 'b', 'c'].map((id) => candidate(id));
    const health = { a: { latencyMs: 300 }, b: { latencyMs: 100 }, c: { latencyMs: 200 } };
    // Draws 0.0 then 0.99 pick a and c: c wins, then b (100) before a (300).
    const draws = [0, 0.99];
    const decision = p2cStrategy(candidates, context({ health, random: () => draws.shift()! }));
    expect(ids(decision)).toEqual(['c', 'b', 'a']);
    expect(decision.reason).toContain('a vs c');
  });
});
