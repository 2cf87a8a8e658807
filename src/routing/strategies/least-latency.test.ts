import { describe, expect, it } from 'vitest';
import { candidate, context, firstShares, ids, seededRandom } from './__fixtures__/strategy-fixtures';
import { leastLatencyStrategy } from './least-latency';

const candidates = ['a', 'b', 'c'].map((id) => candidate(id));

function latencies(values: Record<string, number | undefined>) {
  return Object.fromEntries(Object.entries(values).map(([id, latencyMs]) => [id, { latencyMs }]));
}

describe('leastLatencyStrategy', () => {
  it('shares first place within the tolerance band and keeps a clearly slower one out of it', () => {
    const health = latencies({ a: 100, b: 115, c: 400 });
    const random = seededRandom(31);
    const decisions = Array.from({ length: 4_000 }, () => leastLatencyStrategy(candidates, context({ health, random })));
    const firstA = decisions.filter((decision) => ids(decision)[0] === 'a').length / decisions.length;
    expect(Math.abs(firstA - 0.5)).toBeLessThan(0.03);
    expect(decisions.every((decision) => ids(decision)[2] === 'c')).toBe(true);
  });

  it.each([
    ['outside the default 20% band the faster wins', { a: 250, b: 100, c: 400 }, {}, ['b', 'a', 'c']],
    ['tolerance 0 is strict ordering', { a: 110, b: 100, c: 105 }, { latencyTolerance: 0 }, ['b', 'c', 'a']],
    ['the slower ones follow by latency', { a: 100, b: 900, c: 300 }, { latencyTolerance: 0.1 }, ['a', 'c', 'b']],
  ])('%s', (_name, values, options, expected) => {
    const decision = leastLatencyStrategy(candidates, context({ health: latencies(values), options }));
    expect(ids(decision)).toEqual(expected);
  });

  it('widens the band with a larger tolerance', () => {
    const health = latencies({ a: 100, b: 180, c: 400 });
    const random = seededRandom(32);
    const narrow = firstShares(1_000, () => leastLatencyStrategy(candidates, context({ health, random })));
    const wide = firstShares(1_000, () => leastLatencyStrategy(candidates, context({ health, random, options: { latencyTolerance: 1 } })));
    expect(narrow.get('b')).toBeUndefined();
    expect(wide.get('b')).toBeGreaterThan(0.4);
    expect(wide.get('c')).toBeUndefined();
  });

  it('explores deployments with no samples by putting them in the band', () => {
    const health = latencies({ a: 100, b: 400, c: undefined });
    const random = seededRandom(33);
    const shares = firstShares(2_000, () => leastLatencyStrategy(candidates, context({ health, random })));
    expect(Math.abs(shares.get('c')! - 0.5)).toBeLessThan(0.04);
    expect(shares.get('b')).toBeUndefined();
    expect(leastLatencyStrategy(candidates, context({ health })).notes?.().c).toBe('no samples yet (explored)');
  });

  it('says so when nothing has samples yet', () => {
    const decision = leastLatencyStrategy(candidates, context());
    expect(decision.reason).toContain('no latency samples yet');
  });
});
