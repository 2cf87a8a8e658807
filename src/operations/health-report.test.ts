import { describe, expect, it } from 'vitest';
import type { HealthSnapshot } from '../routing/health';
import { reportHealth, roundMs, roundRate } from './health-report';

const snapshot: HealthSnapshot = Object.freeze<HealthSnapshot>({
  deployment: 'a',
  latencyMs: 227.075312,
  ttftMs: 199.95999999999998,
  ttftP95Ms: 409,
  successRate: 2 / 3,
  windowRequests: 3,
  consecutiveFailures: 1,
  inFlight: 0,
  requestsThisMinute: 3,
  tokensThisMinute: 51,
  lastError: { code: 'upstream_server_error', message: 'OpenAI answered 500', at: 1_796_457_639_987 },
  breaker: { status: 'closed', trips: 0, probesInFlight: 0 },
  coolingDownUntil: undefined,
  misconfigured: false,
});

describe('reportHealth', () => {
  it.each([
    [227.075312, 227.1],
    [199.95999999999998, 200],
    [0.04, 0],
    [409, 409],
  ])('roundMs(%d) = %d', (value, rounded) => {
    expect(roundMs(value)).toBe(rounded);
  });

  it.each([
    [2 / 3, 0.6667],
    [0.1 + 0.2, 0.3],
    [1, 1],
    [0, 0],
  ])('roundRate(%d) = %d', (value, rounded) => {
    expect(roundRate(value)).toBe(rounded);
  });

  it('rounds the averages and the rate, and leaves counts, times and states as they are', () => {
    expect(reportHealth(snapshot)).toEqual({ ...snapshot, latencyMs: 227.1, ttftMs: 200, ttftP95Ms: 409, successRate: 0.6667 });
  });

  it('keeps an unknown latency unknown', () => {
    const fresh = { ...snapshot, latencyMs: undefined, ttftMs: undefined, ttftP95Ms: undefined };
    expect(reportHealth(fresh)).toMatchObject({ latencyMs: undefined, ttftMs: undefined, ttftP95Ms: undefined });
  });
});
