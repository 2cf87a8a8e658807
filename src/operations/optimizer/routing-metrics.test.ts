import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../ledger/types';
import type { LedgerAuto } from '../../routing/auto/types';
import { baselineCostOf, routingMetrics } from './routing-metrics';

const BASELINE = { deployment: 'strong', model: 'gpt-4o', pricing: { inputPerMillion: 2.5, outputPerMillion: 10, cachedInputPerMillion: 1.25 } };

function entry(costUsd: number, tokens: [number, number], auto?: Partial<LedgerAuto>): LedgerEntry {
  const base: LedgerEntry = {
    requestId: 'r', timestamp: 0, route: 'auto', ingress: 'openai', endpoint: 'chat', stream: false, attempts: [],
    inputTokens: tokens[0], outputTokens: tokens[1], cachedInputTokens: 0, reasoningTokens: 0, costUsd, latencyMs: 1, status: 200,
  };
  if (auto === undefined) return base;
  return {
    ...base,
    auto: { mode: 'complexity', decidedBy: 'complexity', confidence: 0.9, confidenceLevel: 'high', pattern: 'chat', complexity: 0.1, predictedQuality: 0.9, predictedCostUsd: 0, candidates: [], ...auto },
  };
}

describe('routingMetrics', () => {
  it('prices each auto-routed request’s own tokens on the baseline, and leaves other requests out', () => {
    const metrics = routingMetrics(
      [
        entry(0.0001, [1_000, 100], {}),
        entry(0.002, [2_000, 200], { mode: 'hybrid', decidedBy: 'learning', validation: 'validated', confidence: 0.5, confidenceLevel: 'medium' }),
        entry(5, [1_000_000, 0]),
      ],
      BASELINE,
      7,
    );
    const first = (1_000 * 2.5 + 100 * 10) / 1e6;
    const second = (2_000 * 2.5 + 200 * 10) / 1e6;
    expect(metrics.cost_savings).toEqual({
      intelligent_cost: 0.0001 + 0.002,
      baseline_cost: first + second,
      total_saved: first + second - (0.0001 + 0.002),
      percent_saved: ((first + second - 0.0021) / (first + second)) * 100,
      period_days: 7,
    });
    expect(metrics.by_strategy).toEqual({
      complexity: { requests: 1, cost: 0.0001, baseline_cost: first, saved: first - 0.0001, modes: { complexity: 1 } },
      learning: { requests: 1, cost: 0.002, baseline_cost: second, saved: second - 0.002, modes: { hybrid: 1 } },
    });
    expect(metrics.by_confidence.high).toMatchObject({ requests: 1, mean_confidence: 0.9 });
    expect(metrics.by_confidence.medium).toMatchObject({ requests: 1, mean_confidence: 0.5 });
    expect(metrics.baseline).toEqual({ deployment: 'strong', model: 'gpt-4o' });
  });

  it('reports no saving, not a division by zero, when nothing was auto-routed', () => {
    expect(routingMetrics([entry(1, [10, 10])], BASELINE, 30).cost_savings).toEqual({ total_saved: 0, percent_saved: 0, intelligent_cost: 0, baseline_cost: 0, period_days: 30 });
  });

  it('prices cached input at the baseline’s cached price', () => {
    expect(baselineCostOf({ ...entry(0, [1_000, 0]), cachedInputTokens: 400 }, BASELINE.pricing)).toBeCloseTo((600 * 2.5 + 400 * 1.25) / 1e6, 15);
  });

  it('groups add up to the totals, whatever the entries', () => {
    const auto = fc.record({
      decidedBy: fc.constantFrom('complexity' as const, 'learning' as const),
      confidenceLevel: fc.constantFrom('high' as const, 'medium' as const, 'low' as const),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    const rows = fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(100_000), fc.nat(10_000), fc.option(auto, { nil: undefined })), { maxLength: 30 });
    fc.assert(
      fc.property(rows, (specs) => {
        const metrics = routingMetrics(specs.map(([cost, input, output, decision]) => entry(cost, [input, output], decision)), BASELINE, 1);
        const routed = specs.filter((spec) => spec[3] !== undefined).length;
        for (const groups of [metrics.by_strategy, metrics.by_confidence]) {
          const values = Object.values(groups);
          expect(values.reduce((sum, group) => sum + group.requests, 0)).toBe(routed);
          expect(values.reduce((sum, group) => sum + group.cost, 0)).toBeCloseTo(metrics.cost_savings.intelligent_cost, 9);
          expect(values.reduce((sum, group) => sum + group.baseline_cost, 0)).toBeCloseTo(metrics.cost_savings.baseline_cost, 9);
        }
        expect(metrics.cost_savings.total_saved).toBeCloseTo(metrics.cost_savings.baseline_cost - metrics.cost_savings.intelligent_cost, 12);
      }),
    );
  });
});
