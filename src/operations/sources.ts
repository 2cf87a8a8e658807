/**
 * The multi-source data router as operations: decode a routing or health request (zod, so a
 * bad one is a 400 naming the field), run the engine, count it (metrics) and audit it (who
 * asked, strategy, confidence, sources). HTTP serves these; the client library and MCP can too.
 */
import { z } from 'zod';
import { JunctionError } from '../errors';
import type { HealthReport, RouteResult, SourcePolicy, SourceRouter } from '../sources';
import { sourcePolicySchema } from '../sources';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');

const candidate = z.strictObject({
  source_id: z.string().min(1).max(200),
  value: finite,
  /** ms epoch, or an ISO 8601 string. */
  timestamp: z.union([finite, z.iso.datetime({ offset: true })]),
  uncertainty: finite.nonnegative().optional(),
});

export const routeBodySchema = z.strictObject({
  metric_key: z.string().min(1).max(200),
  candidate_values: z.array(candidate).min(1).max(100),
  mode: z.enum(['routed', 'advisory']).default('routed'),
  reference_source: z.string().min(1).optional(),
});

const healthReport = z.strictObject({
  source_id: z.string().min(1).max(200),
  metric_key: z.string().min(1).max(200),
  freshness_lag_sec: finite.nonnegative().optional(),
  response_latency_ms: finite.nonnegative().optional(),
  error_rate_win: z.number().min(0).max(1).optional(),
  completeness_pct: z.number().min(0).max(100).optional(),
  last_value: finite.optional(),
});

export const healthBodySchema = z.union([healthReport, z.array(healthReport).min(1).max(1_000), z.strictObject({ reports: z.array(healthReport).min(1).max(1_000) })]);

export interface SourceOperationsOptions {
  router: SourceRouter;
  /** Told of every answered decision (metrics). */
  onDecision?: (result: RouteResult) => void;
  /** Audits a routed decision: who asked and what was decided. */
  audit?: (actor: string, result: RouteResult) => void;
}

export interface SourceOperations {
  route(body: unknown, actor: string): RouteResult;
  health(body: unknown): { accepted: number };
  setPolicy(metricKey: string, body: unknown, actor: string): SourcePolicy;
  router: SourceRouter;
}

export function createSourceOperations(options: SourceOperationsOptions): SourceOperations {
  const { router } = options;
  return {
    router,
    route(body, actor) {
      const request = parse(routeBodySchema, body);
      const result = router.route({
        metricKey: request.metric_key,
        mode: request.mode,
        ...(request.reference_source ? { referenceSource: request.reference_source } : {}),
        candidates: request.candidate_values.map((value) => ({
          sourceId: value.source_id,
          value: value.value,
          timestamp: typeof value.timestamp === 'number' ? value.timestamp : Date.parse(value.timestamp),
          ...(value.uncertainty === undefined ? {} : { uncertainty: value.uncertainty }),
        })),
      });
      options.onDecision?.(result);
      if (result.mode === 'routed') options.audit?.(actor, result);
      return result;
    },
    health(body) {
      const parsed = parse(healthBodySchema, body);
      const list = Array.isArray(parsed) ? parsed : 'reports' in parsed ? parsed.reports : [parsed];
      const reports: HealthReport[] = list.map((report) => ({
        sourceId: report.source_id,
        metricKey: report.metric_key,
        ...(report.freshness_lag_sec === undefined ? {} : { freshnessLagSec: report.freshness_lag_sec }),
        ...(report.response_latency_ms === undefined ? {} : { responseLatencyMs: report.response_latency_ms }),
        ...(report.error_rate_win === undefined ? {} : { errorRateWin: report.error_rate_win }),
        ...(report.completeness_pct === undefined ? {} : { completenessPct: report.completeness_pct }),
        ...(report.last_value === undefined ? {} : { lastValue: report.last_value }),
      }));
      router.reportHealth(reports);
      return { accepted: reports.length };
    },
    setPolicy(metricKey, body) {
      const policy = parse(sourcePolicySchema, body);
      return router.setPolicy(metricKey, policy);
    },
  };
}

function parse<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = issue.path.map(String).join('.');
  throw new JunctionError('invalid_request', `${param || 'body'}: ${issue.message}`, param ? { param } : {});
}
