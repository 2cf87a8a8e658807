/**
 * The data router's client: `fetchWithRouting` fetches a metric from every source at once (each
 * with its own time limit), routes what came back (in this process, or through a remote
 * Junction's /api/v1/routing/route), and can keep each source's health (timed fetches, flushed
 * in batches) and a cache of routed values that lasts as long as the answer's confidence allows.
 */
import type { RouteMode, RouteResult, SourceRouter } from './index';
import type { Candidate, HealthReport } from './types';
import { decodeResult, type WireResult } from './wire';

export interface Reading {
  value: number;
  /** When the source measured it (ms epoch, ISO string or Date); the fetch time when absent. */
  timestamp?: number | string | Date;
  uncertainty?: number;
}

export type SourceFetcher = (signal: AbortSignal) => Promise<Reading>;

/** Where routing happens: a router in this process, or a Junction over HTTP. */
export type RoutingTarget = { router: SourceRouter } | { url: string; apiKey?: string; fetch?: typeof fetch };

export interface FetchWithRoutingOptions {
  target: RoutingTarget;
  mode?: RouteMode;
  /** Per fetch (default 2 s): a source that has not answered by then is left out of this decision. */
  timeoutMs?: number;
  referenceSource?: string;
  health?: HealthRecorder;
  cache?: RoutedValueCache;
  now?: () => number;
}

export async function fetchWithRouting(metricKey: string, fetchers: Record<string, SourceFetcher>, options: FetchWithRoutingOptions): Promise<RouteResult> {
  const now = options.now ?? Date.now;
  const cached = options.mode === 'advisory' ? undefined : options.cache?.get(metricKey);
  if (cached) return cached;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const fetched = await Promise.all(
    Object.entries(fetchers).map(async ([sourceId, fetcher]): Promise<Candidate | undefined> => {
      const started = now();
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const reading = await Promise.race([fetcher(signal), new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), { once: true }))]);
        const timestamp = reading.timestamp === undefined ? now() : new Date(reading.timestamp).getTime();
        options.health?.record(metricKey, sourceId, { ok: Number.isFinite(reading.value), latencyMs: now() - started, value: reading.value, timestamp });
        return { sourceId, value: reading.value, timestamp, ...(reading.uncertainty === undefined ? {} : { uncertainty: reading.uncertainty }) };
      } catch {
        options.health?.record(metricKey, sourceId, { ok: false, latencyMs: now() - started });
        return undefined;
      }
    }),
  );
  const candidates = fetched.filter((candidate): candidate is Candidate => candidate !== undefined);
  const request = { metricKey, candidates, mode: options.mode ?? 'routed', ...(options.referenceSource ? { referenceSource: options.referenceSource } : {}) } as const;
  const result = 'router' in options.target ? options.target.router.route(request) : await routeRemotely(options.target, request);
  if (result.mode === 'routed') options.cache?.set(result);
  return result;
}

async function routeRemotely(target: { url: string; apiKey?: string; fetch?: typeof fetch }, request: { metricKey: string; candidates: Candidate[]; mode: RouteMode; referenceSource?: string }): Promise<RouteResult> {
  const body = {
    metric_key: request.metricKey,
    mode: request.mode,
    ...(request.referenceSource ? { reference_source: request.referenceSource } : {}),
    candidate_values: request.candidates.map((candidate) => ({ source_id: candidate.sourceId, value: candidate.value, timestamp: candidate.timestamp, ...(candidate.uncertainty === undefined ? {} : { uncertainty: candidate.uncertainty }) })),
  };
  const answer = await post(target, '/api/v1/routing/route', body);
  return decodeResult(answer as WireResult);
}

async function post(target: { url: string; apiKey?: string; fetch?: typeof fetch }, path: string, body: unknown): Promise<unknown> {
  const send = target.fetch ?? fetch;
  const response = await send(`${target.url.replace(/\/$/, '')}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}) },
    body: JSON.stringify(body),
  });
  const parsed = (await response.json()) as { error?: { message?: string; code?: string } };
  if (!response.ok) throw Object.assign(new Error(parsed.error?.message ?? `Junction answered ${response.status}`), { status: response.status, code: parsed.error?.code });
  return parsed;
}

/** Routed values kept for the TTL their confidence earned (per the metric's policy). */
export interface RoutedValueCache {
  get(metricKey: string): RouteResult | undefined;
  set(result: RouteResult): void;
}

export function createRoutedValueCache(now: () => number = Date.now): RoutedValueCache {
  const values = new Map<string, { result: RouteResult; until: number }>();
  return {
    get(metricKey) {
      const kept = values.get(metricKey);
      if (kept === undefined || kept.until <= now()) return undefined;
      return kept.result;
    },
    set(result) {
      values.set(result.metricKey, { result, until: now() + result.ttlMs });
    },
  };
}

/**
 * Each source's health from the client's side: every fetch timed, a rolling error rate over the
 * last `window` fetches, freshness from the reading's timestamp. Reports are flushed in batches
 * (every `flushEveryMs`, or by `flush()`), to the router or to Junction's /health endpoint.
 */
export interface HealthRecorder {
  record(metricKey: string, sourceId: string, fetch: { ok: boolean; latencyMs: number; value?: number; timestamp?: number }): void;
  flush(): Promise<number>;
  close(): Promise<void>;
}

export function createHealthRecorder(target: RoutingTarget, options: { flushEveryMs?: number; window?: number; now?: () => number } = {}): HealthRecorder {
  const now = options.now ?? Date.now;
  const window = options.window ?? 20;
  const outcomes = new Map<string, boolean[]>();
  const pending = new Map<string, HealthReport>();
  const flush = async (): Promise<number> => {
    const reports = [...pending.values()];
    pending.clear();
    if (reports.length === 0) return 0;
    if ('router' in target) target.router.reportHealth(reports);
    else {
      await post(
        target,
        '/api/v1/routing/health',
        reports.map((report) => ({
          source_id: report.sourceId,
          metric_key: report.metricKey,
          ...(report.freshnessLagSec === undefined ? {} : { freshness_lag_sec: report.freshnessLagSec }),
          ...(report.responseLatencyMs === undefined ? {} : { response_latency_ms: report.responseLatencyMs }),
          ...(report.errorRateWin === undefined ? {} : { error_rate_win: report.errorRateWin }),
          ...(report.lastValue === undefined ? {} : { last_value: report.lastValue }),
        })),
      );
    }
    return reports.length;
  };
  const timer = setInterval(() => void flush().catch(() => undefined), options.flushEveryMs ?? 5_000);
  timer.unref();
  return {
    record(metricKey, sourceId, fetch) {
      const key = `${metricKey}\u0000${sourceId}`;
      const recent = [...(outcomes.get(key) ?? []), fetch.ok].slice(-window);
      outcomes.set(key, recent);
      pending.set(key, {
        sourceId,
        metricKey,
        responseLatencyMs: fetch.latencyMs,
        errorRateWin: recent.filter((ok) => !ok).length / recent.length,
        ...(fetch.timestamp === undefined ? {} : { freshnessLagSec: Math.max(0, (now() - fetch.timestamp) / 1000) }),
        ...(fetch.value === undefined ? {} : { lastValue: fetch.value }),
      });
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
