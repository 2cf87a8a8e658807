import { describe, expect, it } from 'vitest';
import { GatewayEvents, type GatewayEvent } from '../gateway/events';
import type { LedgerEntry } from '../ledger/types';
import { UNKNOWN_ROUTE_LABEL, createMetrics } from './metrics';

const entry: LedgerEntry = {
  requestId: 'r1',
  timestamp: 0,
  route: 'chat',
  ingress: 'openai',
  endpoint: 'chat',
  stream: true,
  attempts: [],
  inputTokens: 10,
  outputTokens: 20,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  costUsd: 0.5,
  latencyMs: 300,
  ttftMs: 40,
  status: 200,
};

function attemptEnd(overrides: Partial<Extract<GatewayEvent, { type: 'attempt-end' }>> = {}): GatewayEvent {
  return { type: 'attempt-end', route: 'chat', deployment: 'd1', provider: 'p1', outcome: 'success', durationMs: 250, inputTokens: 10, outputTokens: 20, costUsd: 0.5, ...overrides };
}

describe('metrics', () => {
  it('counts attempts, tokens, cost and requests per label values, and times them', async () => {
    const events = new GatewayEvents();
    const metrics = createMetrics(events, { defaultMetrics: false });
    events.emit(attemptEnd({ outcome: 'error', errorCode: 'upstream_timeout', inputTokens: 0, outputTokens: 0, costUsd: 0, durationMs: 30_000 }));
    events.emit(attemptEnd());
    events.emit(attemptEnd());
    events.emit({ type: 'request-end', entry, overheadMs: 0.3 });
    events.emit({ type: 'request-end', entry: { ...entry, stream: false, status: 502, ttftMs: undefined } });
    events.emit({ type: 'breaker-change', deployment: 'd1', from: 'closed', to: 'open', at: 0 });
    const text = await metrics.render();
    for (const line of [
      'junction_upstream_attempts_total{deployment="d1",provider="p1",outcome="error",code="upstream_timeout"} 1',
      'junction_upstream_attempts_total{deployment="d1",provider="p1",outcome="success",code="ok"} 2',
      'junction_upstream_attempt_duration_seconds_bucket{le="30",deployment="d1",outcome="error"} 1',
      'junction_upstream_attempt_duration_seconds_count{deployment="d1",outcome="success"} 2',
      'junction_tokens_total{deployment="d1",direction="input"} 20',
      'junction_tokens_total{deployment="d1",direction="output"} 40',
      'junction_cost_usd_total{deployment="d1"} 1',
      'junction_requests_total{route="chat",ingress="openai",endpoint="chat",stream="true",status="200"} 1',
      'junction_requests_total{route="chat",ingress="openai",endpoint="chat",stream="false",status="502"} 1',
      'junction_request_duration_seconds_sum{route="chat",stream="true"} 0.3',
      'junction_time_to_first_token_seconds_count{route="chat",stream="true"} 1',
      'junction_gateway_overhead_seconds_bucket{le="0.0005",stream="true"} 1',
      'junction_breaker_state{deployment="d1"} 2',
      'junction_breaker_transitions_total{deployment="d1",to="open"} 1',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).not.toContain('junction_time_to_first_token_seconds_count{route="chat",stream="false"}');
    expect(text).not.toContain('junction_gateway_overhead_seconds_count{stream="false"}');
  });

  it('drops an event with a value no metric can take, and keeps rendering', async () => {
    const events = new GatewayEvents();
    const metrics = createMetrics(events, { defaultMetrics: false });
    events.emit(attemptEnd({ durationMs: Number.NaN }));
    events.emit(attemptEnd({ costUsd: -1 }));
    events.emit(attemptEnd());
    const text = await metrics.render();
    expect(text).toContain('junction_upstream_attempt_duration_seconds_count{deployment="d1",outcome="success"} 2');
    expect(text).toContain('junction_cost_usd_total{deployment="d1"} 0.5');
  });

  it('counts requests for model names that are no route under one label value', async () => {
    const events = new GatewayEvents();
    const metrics = createMetrics(events, { defaultMetrics: false, isKnownRoute: (name) => name === 'chat' });
    events.emit({ type: 'request-end', entry });
    for (let index = 0; index < 100; index += 1) {
      events.emit({ type: 'request-end', entry: { ...entry, route: `no-such-model-${index}`, status: 404, ttftMs: undefined } });
    }
    const text = await metrics.render();
    expect(text).toContain('junction_requests_total{route="chat",ingress="openai",endpoint="chat",stream="true",status="200"} 1');
    expect(text).toContain(`junction_requests_total{route="${UNKNOWN_ROUTE_LABEL}",ingress="openai",endpoint="chat",stream="true",status="404"} 100`);
    expect(text).toContain(`junction_request_duration_seconds_count{route="${UNKNOWN_ROUTE_LABEL}",stream="true"} 100`);
    expect(text).not.toContain('no-such-model');
  });
});
