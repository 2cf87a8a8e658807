/**
 * Prometheus metrics, fed only by gateway events. Label values are bounded by the config
 * (route and deployment ids) plus a fixed set of codes, so cardinality stays small.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GatewayEvents } from '../gateway/events';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export interface Metrics {
  registry: Registry;
  /** Render the exposition text for GET /metrics. */
  render(): Promise<string>;
}

export function createMetrics(events: GatewayEvents, options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'junction_' });
  const requests = new Counter({ name: 'junction_requests_total', help: 'Requests by route, ingress format, endpoint, stream and status.', labelNames: ['route', 'ingress', 'endpoint', 'stream', 'status'], registers: [registry] });
  const duration = new Histogram({ name: 'junction_request_duration_seconds', help: 'Whole-request latency as seen by the caller.', labelNames: ['route', 'stream'], buckets: LATENCY_BUCKETS, registers: [registry] });
  const ttft = new Histogram({ name: 'junction_time_to_first_token_seconds', help: 'Time from request arrival to the first byte of the answer.', labelNames: ['route', 'stream'], buckets: LATENCY_BUCKETS, registers: [registry] });
  const attempts = new Counter({ name: 'junction_upstream_attempts_total', help: 'Upstream attempts by deployment, outcome and error code.', labelNames: ['deployment', 'provider', 'outcome', 'code'], registers: [registry] });
  const attemptDuration = new Histogram({ name: 'junction_upstream_attempt_duration_seconds', help: 'Upstream attempt latency by deployment.', labelNames: ['deployment', 'outcome'], buckets: LATENCY_BUCKETS, registers: [registry] });
  const tokens = new Counter({ name: 'junction_tokens_total', help: 'Tokens by deployment and direction.', labelNames: ['deployment', 'direction'], registers: [registry] });
  const cost = new Counter({ name: 'junction_cost_usd_total', help: 'Spend in USD by deployment.', labelNames: ['deployment'], registers: [registry] });

  const breaker = new Gauge({ name: 'junction_breaker_state', help: 'Breaker state per deployment: 0 closed, 1 half-open, 2 open.', labelNames: ['deployment'], registers: [registry] });
  const breakerChanges = new Counter({ name: 'junction_breaker_transitions_total', help: 'Breaker state changes by deployment and new state.', labelNames: ['deployment', 'to'], registers: [registry] });
  const overhead = new Histogram({
    name: 'junction_gateway_overhead_seconds',
    help: "Time a request spent in Junction itself: its whole duration less the time spent waiting on upstreams.",
    labelNames: ['stream'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [registry],
  });
  const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

  events.subscribe(function recordMetrics(event) {
    if (event.type === 'breaker-change') {
      breaker.set({ deployment: event.deployment }, BREAKER_VALUE[event.to]);
      breakerChanges.inc({ deployment: event.deployment, to: event.to });
      return;
    }
    if (event.type === 'attempt-end') {
      attempts.inc({ deployment: event.deployment, provider: event.provider, outcome: event.outcome, code: event.errorCode ?? 'ok' });
      attemptDuration.observe({ deployment: event.deployment, outcome: event.outcome }, event.durationMs / 1000);
      if (event.inputTokens) tokens.inc({ deployment: event.deployment, direction: 'input' }, event.inputTokens);
      if (event.outputTokens) tokens.inc({ deployment: event.deployment, direction: 'output' }, event.outputTokens);
      if (event.costUsd) cost.inc({ deployment: event.deployment }, event.costUsd);
      return;
    }
    const { entry } = event;
    const stream = String(entry.stream);
    requests.inc({ route: entry.route, ingress: entry.ingress, endpoint: entry.endpoint, stream, status: String(entry.status) });
    duration.observe({ route: entry.route, stream }, entry.latencyMs / 1000);
    if (entry.ttftMs !== undefined) ttft.observe({ route: entry.route, stream }, entry.ttftMs / 1000);
    if (event.overheadMs !== undefined) overhead.observe({ stream }, event.overheadMs / 1000);
  });

  return { registry, render: () => registry.metrics() };
}
