import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidate, candidatesArbitrary, context, firstShares, ids } from './__fixtures__/strategy-fixtures';
import { stickyStrategy } from './sticky';
import type { Candidate } from './types';

function orderFor(stickyKey: string | undefined, candidates: Candidate[]): string[] {
  return ids(stickyStrategy(candidates, context({ request: { estimatedInputTokens: 10, stickyKey } })));
}

describe('stickyStrategy', () => {
  it('keeps a key on its deployment when another deployment is removed', () => {
    fc.assert(
      fc.property(candidatesArbitrary, fc.string(), fc.nat(), (candidates, key, pick) => {
        fc.pre(candidates.length >= 2);
        const primary = orderFor(key, candidates)[0];
        const others = candidates.filter((entry) => entry.deployment.id !== primary);
        const removed = others[pick % others.length];
        expect(orderFor(key, candidates.filter((entry) => entry !== removed))[0]).toBe(primary);
      }),
    );
  });

  it('moves a key only to a newly added deployment, never between existing ones', () => {
    fc.assert(
      fc.property(candidatesArbitrary, fc.string(), (candidates, key) => {
        fc.pre(candidates.length >= 1);
        const added = candidate('added-deployment');
        const before = orderFor(key, candidates)[0];
        expect([before, 'added-deployment']).toContain(orderFor(key, [...candidates, added])[0]);
      }),
    );
  });

  it('keeps the relative fallback order when the set changes', () => {
    const candidates = ['a', 'b', 'c', 'd', 'e'].map((id) => candidate(id));
    const full = orderFor('session-1', candidates);
    const withoutC = orderFor('session-1', candidates.filter((entry) => entry.deployment.id !== 'c'));
    expect(withoutC).toEqual(full.filter((id) => id !== 'c'));
  });

  it('spreads keys evenly over deployments', () => {
    const candidates = ['a', 'b', 'c', 'd'].map((id) => candidate(id));
    const shares = firstShares(8_000, (run) => stickyStrategy(candidates, context({ request: { estimatedInputTokens: 10, stickyKey: `conversation-${run}` } })));
    for (const id of ['a', 'b', 'c', 'd']) expect(Math.abs(shares.get(id)! - 0.25)).toBeLessThan(0.02);
  });

  it('uses priority order without a key', () => {
    const candidates = [candidate('a', { priority: 2 }), candidate('b', { priority: 1 })];
    const decision = stickyStrategy(candidates, context());
    expect(ids(decision)).toEqual(['b', 'a']);
    expect(decision.reason).toContain('no sticky key');
  });
});
