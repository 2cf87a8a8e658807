import { describe, expect, it } from 'vitest';
import { candidate, context, healthSnapshot, ids } from './__fixtures__/strategy-fixtures';
import { headroomOf, usageAwareStrategy } from './usage-aware';

describe('headroomOf', () => {
  const request = { estimatedInputTokens: 744, maxOutputTokens: 256 };
  it.each([
    ['no limits', undefined, {}, { share: 1 }],
    ['rpm half used', { rpm: 100 }, { requestsThisMinute: 50 }, { share: 0.5, limit: 'rpm' }],
    ['tpm counts this request too', { tpm: 10_000 }, { tokensThisMinute: 4_000 }, { share: 0.5, limit: 'tpm' }],
    ['the tightest limit wins', { rpm: 100, tpm: 10_000 }, { requestsThisMinute: 10, tokensThisMinute: 7_000 }, { share: 0.2, limit: 'tpm' }],
    ['in flight against maxInFlight', { maxInFlight: 4 }, { inFlight: 3 }, { share: 0.25, limit: 'maxInFlight' }],
    ['over the limit is 0, not negative', { rpm: 10 }, { requestsThisMinute: 25 }, { share: 0, limit: 'rpm' }],
    ['this request alone would exceed tpm', { tpm: 900 }, {}, { share: 0, limit: 'tpm' }],
  ] as const)('%s', (_name, limits, usage, expected) => {
    const deployment = candidate('x', { limits }).deployment;
    const headroom = headroomOf(deployment, healthSnapshot('x', usage), request);
    expect(headroom.limit).toBe('limit' in expected ? expected.limit : undefined);
    expect(headroom.share).toBeCloseTo(expected.share, 12);
  });
});

describe('usageAwareStrategy', () => {
  it('puts the most headroom first and exhausted deployments last', () => {
    const candidates = [candidate('busy', { limits: { rpm: 100 } }), candidate('spent', { limits: { rpm: 60 } }), candidate('idle', { limits: { rpm: 100 } })];
    const health = { busy: { requestsThisMinute: 80 }, spent: { requestsThisMinute: 60 }, idle: { requestsThisMinute: 10 } };
    const decision = usageAwareStrategy(candidates, context({ health }));
    expect(ids(decision)).toEqual(['idle', 'busy', 'spent']);
    expect(decision.notes?.().spent).toBe('headroom 0% (rpm), exhausted');
    expect(decision.reason).toContain('1 exhausted last');
  });

  it('prefers an unlimited deployment to a half-used one, and breaks ties by priority', () => {
    const candidates = [candidate('half', { limits: { tpm: 20_000 } }), candidate('free-2', { priority: 2 }), candidate('free-1', { priority: 1 })];
    const health = { half: { tokensThisMinute: 9_000 } };
    expect(ids(usageAwareStrategy(candidates, context({ health })))).toEqual(['free-1', 'free-2', 'half']);
  });

  it('avoids a deployment this request would push over its token limit', () => {
    const candidates = [candidate('near-limit', { limits: { tpm: 10_000 } }), candidate('roomy', { limits: { tpm: 100_000 } })];
    const health = { 'near-limit': { tokensThisMinute: 5_000 }, roomy: { tokensThisMinute: 80_000 } };
    const small = context({ health, request: { estimatedInputTokens: 100, maxOutputTokens: 100 } });
    const large = context({ health, request: { estimatedInputTokens: 6_000, maxOutputTokens: 1_000 } });
    expect(ids(usageAwareStrategy(candidates, small))).toEqual(['near-limit', 'roomy']);
    expect(ids(usageAwareStrategy(candidates, large))).toEqual(['roomy', 'near-limit']);
  });
});
