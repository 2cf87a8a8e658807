/**
 * The dashboard's memory of recent traffic: fixed-width time buckets (10 s by default) over a
 * rolling window (15 minutes), fed with finished requests, plus the last few routing decisions.
 * Memory is bounded whatever the traffic: buckets older than the window are dropped, latency is
 * kept as fixed-size histograms rather than samples, a bucket tracks at most `maxKeys`
 * deployments, routes and tiers (the rest count under `other`), and the decision list is a
 * short ring. The clock is injected; nothing here does I/O.
 */
import type { LedgerEntry } from '../../ledger/types';
import { addSample, emptyHistogram, mergeInto, percentile, type Histogram } from './histogram';

export interface RequestSeriesOptions {
  now: () => number;
  /** Width of one bucket (default 10 s). */
  bucketMs?: number;
  /** How far back the series reaches (default 15 minutes). */
  windowMs?: number;
  /** Decisions kept (default 25). */
  maxDecisions?: number;
  /** Distinct deployments, routes or fallback tiers one bucket tracks before lumping the rest as `other` (default 64). */
  maxKeys?: number;
}

/** Label under which anything beyond `maxKeys` distinct names is counted. */
export const OTHER = 'other';

interface DeploymentBucket {
  attempts: number;
  errors: number;
  latency: Histogram;
  ttft: Histogram;
}

interface Bucket {
  index: number;
  requests: number;
  errors: number;
  costUsd: number;
  latency: Histogram;
  deployments: Map<string, DeploymentBucket>;
  /** route → answering deployment (or `none`) → requests */
  routes: Map<string, Map<string, number>>;
  fallbacks: Map<string, number>;
}

/** One routing decision as the dashboard lists it, newest first. */
export interface DecisionView {
  at: number;
  requestId: string;
  route: string;
  deployment?: string;
  status: number;
  latencyMs: number;
  costUsd: number;
  strategy?: string;
  reason?: string;
  fallbackTier?: string;
  errorCode?: string;
  /** Each attempt's deployment and outcome, in order. */
  attempts: Array<{ deployment: string; outcome: string; errorCode?: string }>;
  auto?: { mode: string; confidence: number; pattern: string };
}

export interface LatencyView {
  p50?: number;
  p95?: number;
}

export interface SeriesPoint {
  start: number;
  requests: number;
  errors: number;
  costUsd: number;
  latency: LatencyView;
}

export interface DeploymentPoint {
  start: number;
  attempts: number;
  errors: number;
  latency: LatencyView;
  ttft: LatencyView;
}

export interface DeploymentTraffic {
  attempts: number;
  errors: number;
  latency: LatencyView;
  ttft: LatencyView;
  series: DeploymentPoint[];
}

export interface SeriesSnapshot {
  now: number;
  bucketMs: number;
  windowMs: number;
  /** Every bucket of the window, oldest first, empty ones included. */
  series: SeriesPoint[];
  totals: { requests: number; errors: number; costUsd: number; latency: LatencyView; fallbacks: number };
  deployments: Record<string, DeploymentTraffic>;
  /** route → answering deployment (`none` when none answered) → requests, over the window. */
  routes: Record<string, Record<string, number>>;
  /** Fallback tier → requests it answered, over the window. */
  fallbacks: Record<string, number>;
  decisions: DecisionView[];
}

export interface RequestSeries {
  record(entry: LedgerEntry): void;
  snapshot(): SeriesSnapshot;
  /** Buckets held now (for tests of the bound). */
  size(): number;
}

export function createRequestSeries(options: RequestSeriesOptions): RequestSeries {
  const bucketMs = options.bucketMs ?? 10_000;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const maxDecisions = options.maxDecisions ?? 25;
  const maxKeys = options.maxKeys ?? 64;
  const span = Math.max(1, Math.ceil(windowMs / bucketMs));
  const buckets = new Map<number, Bucket>();
  const decisions: DecisionView[] = [];

  const indexAt = (at: number) => Math.floor(at / bucketMs);
  let prunedAt: number | undefined;
  function prune(current: number): void {
    // On the request path: look at the buckets only when a new one begins, not on every request.
    if (current === prunedAt) return;
    prunedAt = current;
    for (const index of buckets.keys()) if (index <= current - span || index > current) buckets.delete(index);
  }
  function bucketAt(index: number): Bucket {
    let bucket = buckets.get(index);
    if (bucket === undefined) {
      bucket = { index, requests: 0, errors: 0, costUsd: 0, latency: emptyHistogram(), deployments: new Map(), routes: new Map(), fallbacks: new Map() };
      buckets.set(index, bucket);
    }
    return bucket;
  }
  /** The name itself while the map has room, else `other`. */
  const keyIn = (map: Map<string, unknown>, name: string) => (map.has(name) || map.size < maxKeys ? name : OTHER);
  function deploymentIn(bucket: Bucket, name: string): DeploymentBucket {
    const key = keyIn(bucket.deployments, name);
    let entry = bucket.deployments.get(key);
    if (entry === undefined) bucket.deployments.set(key, (entry = { attempts: 0, errors: 0, latency: emptyHistogram(), ttft: emptyHistogram() }));
    return entry;
  }

  return {
    record(entry) {
      const now = options.now();
      const current = indexAt(now);
      prune(current);
      const bucket = bucketAt(current);
      const failed = entry.status >= 400;
      bucket.requests += 1;
      if (failed) bucket.errors += 1;
      bucket.costUsd += entry.costUsd;
      addSample(bucket.latency, entry.latencyMs);
      for (const attempt of entry.attempts) {
        const deployment = deploymentIn(bucket, attempt.deployment);
        deployment.attempts += 1;
        if (attempt.outcome === 'error') deployment.errors += 1;
        addSample(deployment.latency, attempt.latencyMs);
      }
      if (entry.deployment !== undefined && entry.ttftMs !== undefined) addSample(deploymentIn(bucket, entry.deployment).ttft, entry.ttftMs);
      const routeKey = keyIn(bucket.routes, entry.route);
      let route = bucket.routes.get(routeKey);
      if (route === undefined) bucket.routes.set(routeKey, (route = new Map()));
      const answered = keyIn(route, entry.deployment ?? 'none');
      route.set(answered, (route.get(answered) ?? 0) + 1);
      if (entry.fallbackTier !== undefined) {
        const tier = keyIn(bucket.fallbacks, entry.fallbackTier);
        bucket.fallbacks.set(tier, (bucket.fallbacks.get(tier) ?? 0) + 1);
      }
      decisions.unshift(decisionOf(entry, now));
      if (decisions.length > maxDecisions) decisions.length = maxDecisions;
    },

    snapshot() {
      const now = options.now();
      const current = indexAt(now);
      prune(current);
      const series: SeriesPoint[] = [];
      const totals = { requests: 0, errors: 0, costUsd: 0, latency: emptyHistogram(), fallbacks: 0 };
      const deployments = new Map<string, { attempts: number; errors: number; latency: Histogram; ttft: Histogram; points: Map<number, DeploymentBucket> }>();
      const routes: Record<string, Record<string, number>> = {};
      const fallbacks: Record<string, number> = {};
      for (let index = current - span + 1; index <= current; index += 1) {
        const bucket = buckets.get(index);
        const start = index * bucketMs;
        if (bucket === undefined) {
          series.push({ start, requests: 0, errors: 0, costUsd: 0, latency: {} });
          continue;
        }
        series.push({ start, requests: bucket.requests, errors: bucket.errors, costUsd: roundUsd(bucket.costUsd), latency: latencyOf(bucket.latency) });
        totals.requests += bucket.requests;
        totals.errors += bucket.errors;
        totals.costUsd += bucket.costUsd;
        mergeInto(totals.latency, bucket.latency);
        for (const [name, traffic] of bucket.deployments) {
          let sum = deployments.get(name);
          if (sum === undefined) deployments.set(name, (sum = { attempts: 0, errors: 0, latency: emptyHistogram(), ttft: emptyHistogram(), points: new Map() }));
          sum.attempts += traffic.attempts;
          sum.errors += traffic.errors;
          mergeInto(sum.latency, traffic.latency);
          mergeInto(sum.ttft, traffic.ttft);
          sum.points.set(index, traffic);
        }
        for (const [route, answers] of bucket.routes) {
          const into = (routes[route] ??= {});
          for (const [deployment, count] of answers) into[deployment] = (into[deployment] ?? 0) + count;
        }
        for (const [tier, count] of bucket.fallbacks) {
          fallbacks[tier] = (fallbacks[tier] ?? 0) + count;
          totals.fallbacks += count;
        }
      }
      const byDeployment: Record<string, DeploymentTraffic> = {};
      for (const [name, sum] of deployments) {
        const points: DeploymentPoint[] = [];
        for (let index = current - span + 1; index <= current; index += 1) {
          const traffic = sum.points.get(index);
          points.push(
            traffic === undefined
              ? { start: index * bucketMs, attempts: 0, errors: 0, latency: {}, ttft: {} }
              : { start: index * bucketMs, attempts: traffic.attempts, errors: traffic.errors, latency: latencyOf(traffic.latency), ttft: latencyOf(traffic.ttft) },
          );
        }
        byDeployment[name] = { attempts: sum.attempts, errors: sum.errors, latency: latencyOf(sum.latency), ttft: latencyOf(sum.ttft), series: points };
      }
      return {
        now,
        bucketMs,
        windowMs: span * bucketMs,
        series,
        totals: { requests: totals.requests, errors: totals.errors, costUsd: roundUsd(totals.costUsd), latency: latencyOf(totals.latency), fallbacks: totals.fallbacks },
        deployments: byDeployment,
        routes,
        fallbacks,
        decisions: decisions.map((decision) => ({ ...decision })),
      };
    },

    size: () => buckets.size,
  };
}

function latencyOf(histogram: Histogram): LatencyView {
  if (histogram.count === 0) return {};
  return { p50: roundMs(percentile(histogram, 0.5)!), p95: roundMs(percentile(histogram, 0.95)!) };
}

const roundMs = (value: number) => Math.round(value * 10) / 10;
/** Micro-dollars: enough for per-request costs, short enough to read. */
const roundUsd = (value: number) => Math.round(value * 1e6) / 1e6;

function decisionOf(entry: LedgerEntry, at: number): DecisionView {
  return {
    at,
    requestId: entry.requestId,
    route: entry.route,
    ...(entry.deployment === undefined ? {} : { deployment: entry.deployment }),
    status: entry.status,
    latencyMs: roundMs(entry.latencyMs),
    costUsd: roundUsd(entry.costUsd),
    ...(entry.strategy === undefined ? {} : { strategy: entry.strategy }),
    ...(entry.decisionReason === undefined ? {} : { reason: entry.decisionReason }),
    ...(entry.fallbackTier === undefined ? {} : { fallbackTier: entry.fallbackTier }),
    ...(entry.errorCode === undefined ? {} : { errorCode: entry.errorCode }),
    attempts: entry.attempts.map((attempt) => ({ deployment: attempt.deployment, outcome: attempt.outcome, ...(attempt.errorCode === undefined ? {} : { errorCode: attempt.errorCode }) })),
    ...(entry.auto === undefined ? {} : { auto: { mode: entry.auto.mode, confidence: entry.auto.confidence, pattern: entry.auto.pattern } }),
  };
}
