import { describe, expect, it } from 'vitest';
import { candidate, context, ids, seededRandom } from './__fixtures__/strategy-fixtures';
import { randomStrategy } from './random';

describe('randomStrategy', () => {
  it('makes every order about equally likely', () => {
    const candidates = ['a', 'b', 'c'].map((id) => candidate(id));
    const random = seededRandom(7);
    const counts = new Map<string, number>();
    const runs = 12_000;
    for (let run = 0; run < runs; run += 1) {
      const order = ids(randomStrategy(candidates, context({ random }))).join('');
      counts.set(order, (counts.get(order) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['abc', 'acb', 'bac', 'bca', 'cab', 'cba']);
    for (const count of counts.values()) expect(Math.abs(count / runs - 1 / 6)).toBeLessThan(0.02);
  });

  it('replays the same order from the same seed', () => {
    const candidates = ['a', 'b', 'c', 'd', 'e'].map((id) => candidate(id));
    expect(ids(randomStrategy(candidates, context({ seed: 42 })))).toEqual(ids(randomStrategy(candidates, context({ seed: 42 }))));
  });
});
