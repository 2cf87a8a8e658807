/**
 * The routing headers of an answer, after those the stages added: what each outcome field
 * becomes, in which order, and that the routing headers win a clash of names.
 */
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../gateway/account';
import { outcomeHeaders } from './respond';

const outcome = { route: 'chat', strategy: 'least-latency', deployment: 'small', attempts: 2, costUsd: 0.0000582 } as Outcome;

describe('outcomeHeaders', () => {
  it('names the route, strategy, deployment, attempts and cost', () => {
    expect(Object.entries(outcomeHeaders(outcome, 'request-1'))).toEqual([
      ['x-request-id', 'request-1'],
      ['x-junction-route', 'chat'],
      ['x-junction-strategy', 'least-latency'],
      ['x-junction-deployment', 'small'],
      ['x-junction-attempts', '2'],
      ['x-junction-cost-usd', '0.00005820'],
    ]);
  });

  it('adds the tier, hedge, variant and cache hit when there are any', () => {
    const headers = outcomeHeaders({ route: 'chat', attempts: 0, tier: 'secondary', hedge: 'hedge-won', variant: 'b', cached: true } as Outcome, 'request-2');
    expect(headers).toEqual({ 'x-request-id': 'request-2', 'x-junction-route': 'chat', 'x-junction-attempts': '0', 'x-junction-fallback-tier': 'secondary', 'x-junction-hedge': 'hedge-won', 'x-junction-variant': 'b', 'x-junction-cache': 'hit' });
  });

  it('puts the stages’ headers first, in their order, in a new object, and lets its own win a clash', () => {
    const extra = { 'x-ratelimit-limit-requests': '600', 'x-ratelimit-remaining-requests': '599', 'x-request-id': 'forged' };
    const headers = outcomeHeaders(outcome, 'request-3', extra);
    expect(Object.keys(headers).slice(0, 3)).toEqual(['x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-request-id']);
    expect(headers).toMatchObject({ 'x-ratelimit-limit-requests': '600', 'x-ratelimit-remaining-requests': '599', 'x-request-id': 'request-3', 'x-junction-route': 'chat' });
    expect(extra).toEqual({ 'x-ratelimit-limit-requests': '600', 'x-ratelimit-remaining-requests': '599', 'x-request-id': 'forged' });
  });
});
