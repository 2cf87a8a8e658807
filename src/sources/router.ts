/**
 * The source router: per-metric state in memory around the pure `decide`. Routed requests
 * commit the sources' new state, the answer to the history (for synthetic fallback) and a
 * decision record; advisory requests commit nothing. Everything it keeps is plain data that
 * `snapshot()` hands out and `restore()` takes back, so a store can persist it.
 */
import { JunctionError } from '../errors';
import { TWIN_ROUNDS, decide, type BreakerChange } from './decide';
import { parsePolicy, type SourcePolicy, type SourcePolicyInput } from './policy';
import { newSourceState } from './source-checks';
import { TRUST_PRIOR, decayedTrust, healthScore } from './trust';
import type { DecisionRecord, HealthReport, MetricState, RouteRequest, RouteResult, RouterSnapshot, SourceState } from './types';

export interface SourceRouterOptions {
  /** The clock (ms epoch). The engine never reads the system clock itself. */
  now: () => number;
  /** Policies by metric key; a metric without one gets `defaultPolicy`. */
  policies?: Record<string, SourcePolicyInput>;
  defaultPolicy?: SourcePolicyInput;
  /** Called on every breaker change a routed decision makes (metrics, logs, audit). */
  onBreakerChange?: (event: BreakerEvent) => void;
  /** Answers kept per metric for synthetic fallback (enough for a day and a back-test at hourly cadence). */
  historyLimit?: number;
  /** Decisions kept per metric for `recentDecisions`. */
  decisionLimit?: number;
}

export interface BreakerEvent extends BreakerChange {
  metricKey: string;
  at: number;
}

export interface SourceView {
  metricKey: string;
  sourceId: string;
  trust: number;
  health?: number;
  breaker: SourceState['breaker']['status'];
  openReason?: string;
  lastValue?: number;
  lastSeenAt?: number;
  bias: number;
  duplicateOf?: string;
  lastReport?: HealthReport;
}

export interface TrustView {
  metricKey: string;
  sourceId: string;
  trust: number;
}

export interface BreakerView {
  metricKey: string;
  sourceId: string;
  status: SourceState['breaker']['status'];
  trips: number;
  openedAt?: number;
  retryAt?: number;
  reason?: string;
}

export interface SourceRouter {
  /** Routes one metric; throws JunctionError `no_usable_source` (503) when nothing can answer. */
  route(request: RouteRequest): RouteResult;
  reportHealth(reports: HealthReport | readonly HealthReport[]): void;
  sources(metricKey?: string): SourceView[];
  trust(metricKey?: string): TrustView[];
  breakers(metricKey?: string): BreakerView[];
  /** Newest first. */
  recentDecisions(metricKey: string, limit?: number): DecisionRecord[];
  setPolicy(metricKey: string, policy: SourcePolicyInput): SourcePolicy;
  policy(metricKey: string): SourcePolicy;
  snapshot(): RouterSnapshot;
  restore(snapshot: RouterSnapshot): void;
}

export function createSourceRouter(options: SourceRouterOptions): SourceRouter {
  const { now } = options;
  const historyLimit = options.historyLimit ?? 64;
  const decisionLimit = options.decisionLimit ?? 100;
  const fallbackPolicy = parsePolicy(options.defaultPolicy);
  const policies = new Map<string, SourcePolicy>();
  for (const [key, input] of Object.entries(options.policies ?? {})) policies.set(key, parsePolicy(input));
  let metrics: Record<string, MetricState> = {};

  const policyOf = (metricKey: string): SourcePolicy => policies.get(metricKey) ?? fallbackPolicy;
  const metricOf = (metricKey: string): MetricState => (metrics[metricKey] ??= { sources: {}, history: [], decisions: [] });
  const selected = (metricKey: string | undefined): [string, MetricState][] =>
    metricKey === undefined ? Object.entries(metrics) : metrics[metricKey] === undefined ? [] : [[metricKey, metrics[metricKey]]];

  return {
    route: function route(request) {
      const at = now();
      const policy = policyOf(request.metricKey);
      const decision = decide(metrics[request.metricKey], request, policy, at);
      if ((request.mode ?? 'routed') === 'routed') {
        const metric = metricOf(request.metricKey);
        Object.assign(metric.sources, decision.sources);
        for (const change of decision.changes) options.onBreakerChange?.({ ...change, metricKey: request.metricKey, at });
        const result = decision.result;
        if (result !== undefined && !result.isSynthetic) push(metric.history, { at, value: result.value, sigma: result.uncertainty }, historyLimit);
        push(
          metric.decisions,
          result === undefined
            ? { at, value: null, strategy: 'none', confidence: 0, isSynthetic: true, used: [], reasoning: `no answer: ${decision.failure?.message}` }
            : { at, value: result.value, strategy: result.strategy, confidence: result.confidence, isSynthetic: result.isSynthetic, used: result.sources.filter((s) => s.status === 'used').map((s) => s.sourceId), reasoning: result.reasoning },
          decisionLimit,
        );
      }
      if (decision.result === undefined) {
        throw new JunctionError('no_usable_source', decision.failure?.message ?? 'no usable source', { details: { metricKey: request.metricKey, sources: decision.failure?.sources ?? [] } });
      }
      return decision.result;
    },

    reportHealth: function reportHealth(reports) {
      const at = now();
      for (const report of Array.isArray(reports) ? reports : [reports as HealthReport]) {
        const metric = metricOf(report.metricKey);
        const known = metric.sources[report.sourceId] ?? newSourceState(report.sourceId, at, TRUST_PRIOR);
        metric.sources[report.sourceId] = { ...known, health: healthScore(report, policyOf(report.metricKey).maxStalenessMs), healthAt: at, lastReport: { ...report } };
      }
    },

    sources: function sources(metricKey) {
      const at = now();
      return selected(metricKey).flatMap(([key, metric]) =>
        Object.values(metric.sources).map((source) => ({
          metricKey: key,
          sourceId: source.sourceId,
          trust: decayedTrust(source.trust, at - source.trustAt, policyOf(key).trust.halfLifeMs),
          health: source.health,
          breaker: source.breaker.status,
          openReason: source.openReason,
          lastValue: source.lastValue,
          lastSeenAt: source.lastSeenAt,
          bias: source.bias,
          duplicateOf: source.twinRounds >= TWIN_ROUNDS ? source.twinOf : undefined,
          lastReport: source.lastReport,
        })),
      );
    },

    trust: function trust(metricKey) {
      const at = now();
      return selected(metricKey).flatMap(([key, metric]) =>
        Object.values(metric.sources).map((source) => ({ metricKey: key, sourceId: source.sourceId, trust: decayedTrust(source.trust, at - source.trustAt, policyOf(key).trust.halfLifeMs) })),
      );
    },

    breakers: function breakers(metricKey) {
      return selected(metricKey).flatMap(([key, metric]) =>
        Object.values(metric.sources).map((source) => ({
          metricKey: key,
          sourceId: source.sourceId,
          status: source.breaker.status,
          trips: source.breaker.trips,
          openedAt: source.breaker.openedAt,
          retryAt: source.breaker.retryAt,
          reason: source.openReason,
        })),
      );
    },

    recentDecisions: function recentDecisions(metricKey, limit = 20) {
      const decisions = metrics[metricKey]?.decisions ?? [];
      return decisions.slice(Math.max(0, decisions.length - limit)).reverse();
    },

    setPolicy: function setPolicy(metricKey, input) {
      const policy = parsePolicy(input);
      policies.set(metricKey, policy);
      return policy;
    },

    policy: policyOf,

    snapshot: function snapshot() {
      return structuredClone({ version: 1, metrics });
    },

    restore: function restore(snapshot) {
      if (snapshot.version !== 1) throw new JunctionError('invalid_request', `unknown source router snapshot version ${String(snapshot.version)}`);
      metrics = structuredClone(snapshot.metrics);
    },
  };
}

/** Appends to a bounded list, dropping the oldest entries. */
function push<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}
