/**
 * Prometheus metrics, fed only by gateway events. Label values are bounded by the config
 * (route and deployment ids) plus a fixed set of codes, so cardinality stays small: a model
 * name that is no route is the caller's to choose, so every such request shares one label
 * value, {@link UNKNOWN_ROUTE_LABEL}.
 *
 * Every request records a handful of series, so the hot ones are kept per label values
 * (SeriesCache) rather than named by a label object on each event, which prom-client would
 * turn into a key string every time: an event costs a few Map look-ups and additions, and
 * the exposition is built when /metrics is read (createBatchedCounter, createBatchedHistogram).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RouteCacheCounters } from '../cache/cache-stats';
import type { GatewayEvents } from '../gateway/events';
import { createBatchedCounter } from './batched-counter';
import { createBatchedHistogram } from './batched-histogram';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** The route label of requests for a model name that no route has. */
export const UNKNOWN_ROUTE_LABEL = '(unknown)';

export interface MetricsOptions {
  /** Collect Node's process metrics too (default true). */
  defaultMetrics?: boolean;
  /**
   * Whether a name is a configured route. Requests for any other name are counted under
   * {@link UNKNOWN_ROUTE_LABEL}. Without it every name is taken as a route (for tests that
   * feed events by hand).
   */
  isKnownRoute?: (name: string) => boolean;
}

export interface Metrics {
  registry: Registry;
  /** Render the exposition text for GET /metrics. */
  render(): Promise<string>;
  /** A soft budget threshold was crossed (once per window): `owner` is the budget's kind (key, team, route, provider, global). */
  budgetAlert(owner: string, threshold: number): void;
  /** The shared limit store could not answer and a request went on uncounted (fail-open). */
  limitStoreUnavailable(): void;
  /** The SLA monitor's active alerts (read at each scrape), and every alert it raised. */
  watchSlaAlerts(read: () => ReadonlyArray<{ kind: string; target: string; metric: string; severity: string }>): void;
  slaAlertFired(metric: string, severity: string): void;
  /** A data-source routing decision (answered). */
  sourceDecision(metric: string, strategy: string, mode: string, confidence: number, synthetic: boolean): void;
  /** Each data source's trust and breaker (read at each scrape). */
  watchSources(read: () => ReadonlyArray<{ metricKey: string; sourceId: string; trust: number; breaker: string }>): void;
  /** The response cache's counters per route (read at each scrape). */
  watchCache(read: () => ReadonlyArray<RouteCacheCounters>): void;
  /** Report routes' concurrency gates (read at each scrape): requests in flight and waiting. */
  watchRouteGates(read: () => ReadonlyArray<{ route: string; inFlight: number; waiting: number }>): void;
}

export function createMetrics(events: GatewayEvents, options: MetricsOptions = {}): Metrics {
  const { isKnownRoute } = options;
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'junction_' });
  const requests = createBatchedCounter({ name: 'junction_requests_total', help: 'Requests by route, ingress format, endpoint, stream and status.', labelNames: ['route', 'ingress', 'endpoint', 'stream', 'status'], registry });
  const duration = createBatchedHistogram({ name: 'junction_request_duration_seconds', help: 'Whole-request latency as seen by the caller.', labelNames: ['route', 'stream'], buckets: LATENCY_BUCKETS, registry });
  const ttft = createBatchedHistogram({ name: 'junction_time_to_first_token_seconds', help: 'Time from request arrival to the first byte of the answer.', labelNames: ['route', 'stream'], buckets: LATENCY_BUCKETS, registry });
  const attempts = createBatchedCounter({ name: 'junction_upstream_attempts_total', help: 'Upstream attempts by deployment, outcome and error code.', labelNames: ['deployment', 'provider', 'outcome', 'code'], registry });
  const attemptDuration = createBatchedHistogram({ name: 'junction_upstream_attempt_duration_seconds', help: 'Upstream attempt latency by deployment.', labelNames: ['deployment', 'outcome'], buckets: LATENCY_BUCKETS, registry });
  const tokens = createBatchedCounter({ name: 'junction_tokens_total', help: 'Tokens by deployment and direction.', labelNames: ['deployment', 'direction'], registry });
  const cost = createBatchedCounter({ name: 'junction_cost_usd_total', help: 'Spend in USD by deployment.', labelNames: ['deployment'], registry });

  // Breaker changes are rare: plain prom-client calls.
  const sourceDecisions = new Counter({ name: 'junction_source_decisions_total', help: 'Data-source routing decisions by metric, strategy, mode and whether the value was synthetic.', labelNames: ['metric', 'strategy', 'mode', 'synthetic'], registers: [registry] });
  const sourceConfidence = new Histogram({ name: 'junction_source_confidence', help: 'Confidence of data-source routing decisions.', labelNames: ['metric'], buckets: [0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99], registers: [registry] });
  const slaAlerts = new Counter({ name: 'junction_sla_alerts_total', help: 'SLA alerts raised (fired or worsened), by metric and severity.', labelNames: ['metric', 'severity'], registers: [registry] });
  const breaker = new Gauge({ name: 'junction_breaker_state', help: 'Breaker state per deployment: 0 closed, 1 half-open, 2 open.', labelNames: ['deployment'], registers: [registry] });
  const breakerChanges = new Counter({ name: 'junction_breaker_transitions_total', help: 'Breaker state changes by deployment and new state.', labelNames: ['deployment', 'to'], registers: [registry] });
  const overhead = createBatchedHistogram({
    name: 'junction_gateway_overhead_seconds',
    help: "Time a request spent in Junction itself: its whole duration less the time spent waiting on upstreams.",
    labelNames: ['stream'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registry,
  });
  // Access events are rare too, and come from the access layer rather than gateway events.
  const budgetAlerts = new Counter({ name: 'junction_budget_alerts_total', help: 'Soft budget thresholds crossed, by budget owner kind and threshold.', labelNames: ['owner', 'threshold'], registers: [registry] });
  const limitStoreDown = new Counter({ name: 'junction_limit_store_unavailable_total', help: 'Requests admitted uncounted because the shared limit store could not answer.', registers: [registry] });
  const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

  events.subscribe(function recordMetrics(event) {
    if (event.type === 'breaker-change') {
      breaker.set({ deployment: event.deployment }, BREAKER_VALUE[event.to]);
      breakerChanges.inc({ deployment: event.deployment, to: event.to });
      return;
    }
    if (event.type === 'attempt-end') {
      const { deployment, outcome } = event;
      attempts.get(deployment, event.provider, outcome, event.errorCode ?? 'ok').inc();
      attemptDuration.get(deployment, outcome).observe(event.durationMs / 1000);
      if (event.inputTokens) tokens.get(deployment, 'input').inc(event.inputTokens);
      if (event.outputTokens) tokens.get(deployment, 'output').inc(event.outputTokens);
      if (event.costUsd) cost.get(deployment).inc(event.costUsd);
      return;
    }
    const { entry } = event;
    const route = isKnownRoute === undefined || isKnownRoute(entry.route) ? entry.route : UNKNOWN_ROUTE_LABEL;
    // Booleans and numbers as they are: the cache turns them into label strings once per series.
    requests.get(route, entry.ingress, entry.endpoint, entry.stream, entry.status).inc();
    duration.get(route, entry.stream).observe(entry.latencyMs / 1000);
    if (entry.ttftMs !== undefined) ttft.get(route, entry.stream).observe(entry.ttftMs / 1000);
    if (event.overheadMs !== undefined) overhead.get(entry.stream).observe(event.overheadMs / 1000);
  });

  return {
    registry,
    render: () => registry.metrics(),
    budgetAlert: (owner, threshold) => budgetAlerts.inc({ owner, threshold: String(threshold) }),
    limitStoreUnavailable: () => limitStoreDown.inc(),
    watchSlaAlerts: (read) => {
      new Gauge({
        name: 'junction_sla_alert_active',
        help: 'Active SLA alerts: 1 per alert, by target kind, target, metric and severity.',
        labelNames: ['kind', 'target', 'metric', 'severity'],
        registers: [registry],
        collect() {
          this.reset();
          for (const alert of read()) this.set({ kind: alert.kind, target: alert.target, metric: alert.metric, severity: alert.severity }, 1);
        },
      });
    },
    slaAlertFired: (metric, severity) => slaAlerts.inc({ metric, severity }),
    sourceDecision: (metric, strategy, mode, confidence, synthetic) => {
      sourceDecisions.inc({ metric, strategy, mode, synthetic: String(synthetic) });
      sourceConfidence.observe({ metric }, confidence);
    },
    watchSources: (read) => {
      new Gauge({
        name: 'junction_source_trust',
        help: 'Each data source’s trust for a metric (0..1).',
        labelNames: ['metric', 'source'],
        registers: [registry],
        collect() {
          this.reset();
          for (const source of read()) this.set({ metric: source.metricKey, source: source.sourceId }, source.trust);
        },
      });
      new Gauge({
        name: 'junction_source_breaker_state',
        help: 'Each data source’s breaker for a metric: 0 closed, 1 half-open, 2 open.',
        labelNames: ['metric', 'source'],
        registers: [registry],
        collect() {
          this.reset();
          for (const source of read()) this.set({ metric: source.metricKey, source: source.sourceId }, source.breaker === 'open' ? 2 : source.breaker === 'half-open' ? 1 : 0);
        },
      });
    },
    watchCache: (read) => {
      new Counter({
        name: 'junction_cache_lookups_total',
        help: 'Response cache lookups by route and result (hit, semantic_hit, miss, bypass, refresh), in this process.',
        labelNames: ['route', 'result'],
        registers: [registry],
        collect() {
          this.reset();
          for (const route of read()) {
            const counts = { hit: route.hits, semantic_hit: route.semanticHits, miss: route.misses, bypass: route.bypasses, refresh: route.refreshes };
            for (const [result, count] of Object.entries(counts)) if (count > 0) this.inc({ route: route.route, result }, count);
          }
        },
      });
      new Counter({
        name: 'junction_cache_cost_saved_usd_total',
        help: 'What answers served from the response cache would have cost (USD), by route, in this process.',
        labelNames: ['route'],
        registers: [registry],
        collect() {
          this.reset();
          for (const route of read()) if (route.costSavedUsd > 0) this.inc({ route: route.route }, route.costSavedUsd);
        },
      });
    },
    watchRouteGates: (read) => {
      const gauge = (name: string, help: string, field: 'inFlight' | 'waiting') =>
        new Gauge({
          name,
          help,
          labelNames: ['route'],
          registers: [registry],
          collect() {
            for (const gate of read()) this.set({ route: gate.route }, gate[field]);
          },
        });
      gauge('junction_route_in_flight', 'Requests holding a slot of a route with a concurrency limit, in this process.', 'inFlight');
      gauge('junction_route_queue_waiting', 'Requests waiting for a slot of a saturated route, in this process.', 'waiting');
    },
  };
}
