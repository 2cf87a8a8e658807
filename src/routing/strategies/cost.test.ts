import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidate, candidatesArbitrary, context, ids } from './__fixtures__/strategy-fixtures';
import { costStrategy, expectedCost } from './cost';
import { qualityOf } from './ordering';

const pricing = (inputPerMillion: number, outputPerMillion: number) => ({ pricing: { inputPerMillion, outputPerMillion } });

describe('expectedCost', () => {
  it.each([
    ['input and output tokens', { estimatedInputTokens: 1_000_000, maxOutputTokens: 500_000 }, 2.5 + 5],
    ['256 output tokens when the request sets none', { estimatedInputTokens: 0 }, (256 * 10) / 1_000_000],
    ['a small request', { estimatedInputTokens: 2_000, maxOutputTokens: 100 }, (2_000 * 2.5 + 100 * 10) / 1_000_000],
  ])('%s', (_name, request, expected) => {
    expect(expectedCost(candidate('x', pricing(2.5, 10)).deployment, request)).toBeCloseTo(expected, 12);
  });
});

describe('costStrategy', () => {
  const cheapLowQuality = candidate('mini', { ...pricing(0.15, 0.6), quality: 0.4 });
  const middle = candidate('mid', { ...pricing(1, 4), quality: 0.75 });
  const premium = candidate('premium', { ...pricing(5, 20), quality: 0.95 });

  it.each([
    ['no floor: cheapest first', undefined, ['mini', 'mid', 'premium']],
    ['floor 0.7: the cheapest above it first, the rest after', 0.7, ['mid', 'premium', 'mini']],
    ['floor 0.9', 0.9, ['premium', 'mini', 'mid']],
    ['nothing meets the floor: cheapest first regardless', 0.99, ['mini', 'mid', 'premium']],
  ])('%s', (_name, qualityFloor, expected) => {
    const decision = costStrategy([premium, middle, cheapLowQuality], context({ options: { qualityFloor } }));
    expect(ids(decision)).toEqual(expected);
  });

  it('moves deployments below the floor to the end instead of dropping them, and says so', () => {
    const decision = costStrategy([cheapLowQuality, middle], context({ options: { qualityFloor: 0.7 } }));
    expect(ids(decision)).toEqual(['mid', 'mini']);
    expect(decision.notes?.().mini).toContain('below the floor 0.7');
    expect(decision.reason).toContain('cheapest meeting quality 0.7: mid');
  });

  it('breaks equal costs by quality, best first', () => {
    const candidates = [candidate('a', { quality: 0.6 }), candidate('b', { quality: 0.9 }), candidate('c')];
    expect(ids(costStrategy(candidates, context()))).toEqual(['b', 'a', 'c']);
  });

  it('lets the expected output length decide between input-heavy and output-heavy pricing', () => {
    const cheapInput = candidate('cheap-input', pricing(0.5, 30));
    const cheapOutput = candidate('cheap-output', pricing(3, 5));
    const order = (maxOutputTokens: number) => ids(costStrategy([cheapInput, cheapOutput], context({ request: { estimatedInputTokens: 10_000, maxOutputTokens } })));
    expect(order(50)).toEqual(['cheap-input', 'cheap-output']);
    expect(order(4_000)).toEqual(['cheap-output', 'cheap-input']);
  });

  it('puts first the cheapest deployment meeting the floor, whenever one does', () => {
    fc.assert(
      fc.property(candidatesArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), (candidates, qualityFloor) => {
        const request = { estimatedInputTokens: 1_000 };
        const eligible = candidates.filter((entry) => qualityOf(entry.deployment) >= qualityFloor);
        if (eligible.length === 0) return;
        const first = costStrategy(candidates, context({ request, options: { qualityFloor } })).ordered[0];
        expect(qualityOf(first.deployment)).toBeGreaterThanOrEqual(qualityFloor);
        for (const entry of eligible) expect(expectedCost(first.deployment, request)).toBeLessThanOrEqual(expectedCost(entry.deployment, request));
      }),
    );
  });
});
