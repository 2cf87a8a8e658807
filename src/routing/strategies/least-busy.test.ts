import { describe, expect, it } from 'vitest';
import { candidate, context, firstShares, ids, seededRandom } from './__fixtures__/strategy-fixtures';
import { leastBusyStrategy } from './least-busy';

const candidates = ['a', 'b', 'c'].map((id) => candidate(id));

describe('leastBusyStrategy', () => {
  it.each([
    ['fewest in flight first', { a: 5, b: 0, c: 2 }, ['b', 'c', 'a']],
    ['route order does not matter', { a: 1, b: 2, c: 3 }, ['a', 'b', 'c']],
    ['busiest last', { a: 0, b: 9, c: 1 }, ['a', 'c', 'b']],
  ])('%s', (_name, inFlight, expected) => {
    const health = Object.fromEntries(Object.entries(inFlight).map(([id, count]) => [id, { inFlight: count }]));
    const decision = leastBusyStrategy(candidates, context({ health }));
    expect(ids(decision)).toEqual(expected);
    expect(decision.notes?.()[expected[0]]).toBe(`${inFlight[expected[0] as keyof typeof inFlight]} in flight`);
  });

  it('spreads ties at random instead of always taking the first listed', () => {
    const health = { a: { inFlight: 1 }, b: { inFlight: 1 }, c: { inFlight: 4 } };
    const random = seededRandom(21);
    const shares = firstShares(4_000, () => leastBusyStrategy(candidates, context({ health, random })));
    expect(shares.get('c')).toBeUndefined();
    expect(Math.abs(shares.get('a')! - 0.5)).toBeLessThan(0.03);
  });
});
