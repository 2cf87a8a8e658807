import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidate, context, firstShares, ids, seededRandom } from './__fixtures__/strategy-fixtures';
import { abStrategy } from './ab';

const control = candidate('control', { weight: 7, priority: 0 });
const treatment = candidate('treatment', { weight: 3, priority: 1 });
const backup = candidate('backup', { weight: 0, priority: 2 });
const arms = [control, treatment, backup];

function variantOf(callerKey: string | undefined, candidates = arms, seed = 1): string | undefined {
  return abStrategy(candidates, context({ seed, request: { estimatedInputTokens: 10, callerKey } })).variant;
}

describe('abStrategy', () => {
  it('records the variant, tries it first and the rest by priority', () => {
    const decision = abStrategy(arms, context({ request: { estimatedInputTokens: 10, callerKey: 'team-a' } }));
    expect(decision.variant).toBe(ids(decision)[0]);
    const rest = ids(decision).slice(1);
    expect(rest).toEqual(['control', 'treatment', 'backup'].filter((id) => id !== decision.variant));
    expect(decision.reason).toContain(`variant ${decision.variant}`);
    expect(decision.reason).toContain('by caller key');
  });

  it('keeps a caller on its variant whatever the random source says', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer(), fc.integer(), (callerKey, seedA, seedB) => {
        expect(variantOf(callerKey, arms, seedA)).toBe(variantOf(callerKey, arms, seedB));
      }),
    );
  });

  it('splits callers by weight: 70 / 30 over 10,000 callers', () => {
    const shares = firstShares(10_000, (run) => abStrategy(arms, context({ request: { estimatedInputTokens: 10, callerKey: `key-${run}` } })));
    expect(Math.abs(shares.get('control')! - 0.7)).toBeLessThan(0.02);
    expect(Math.abs(shares.get('treatment')! - 0.3)).toBeLessThan(0.02);
    expect(shares.get('backup')).toBeUndefined();
  });

  it('draws at random by weight when the caller has no key', () => {
    const random = seededRandom(51);
    const shares = firstShares(10_000, () => abStrategy(arms, context({ random })));
    expect(Math.abs(shares.get('control')! - 0.7)).toBeLessThan(0.02);
    expect(abStrategy(arms, context()).reason).toContain('no caller key');
  });

  it('uses the sticky key when there is no caller key', () => {
    const byStickyKey = abStrategy(arms, context({ request: { estimatedInputTokens: 10, stickyKey: 'conversation-9' } }));
    expect(byStickyKey.variant).toBe(variantOf('conversation-9'));
    expect(byStickyKey.reason).toContain('by sticky key');
  });

  it('moves no caller when another variant drops out', () => {
    const third = candidate('third', { weight: 2 });
    fc.assert(
      fc.property(fc.string(), (callerKey) => {
        const before = variantOf(callerKey, [control, treatment, third]);
        fc.pre(before !== 'third');
        expect(variantOf(callerKey, [control, treatment])).toBe(before);
      }),
    );
  });

  it('notes each variant’s split', () => {
    expect(abStrategy(arms, context()).notes?.()).toEqual({ control: 'split 70%', treatment: 'split 30%', backup: 'split 0%' });
  });
});
