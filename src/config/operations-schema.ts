/**
 * The operations sections: `sla` (targets, thresholds, webhook and mitigations of the SLA
 * monitor), `sources` (the data router's policies) and `tracing` (OpenTelemetry export).
 */
import { z } from 'zod';
import { DEFAULT_THRESHOLDS, SLA_METRICS } from '../sla/types';
import { DEFAULT_ANOMALY_SETTINGS } from '../sla/anomaly';
import { STRATEGY_NAMES } from '../routing/strategies/types';
import { sourcePolicySchema } from '../sources/policy';

const threshold = z
  .strictObject({ warning: z.number().nonnegative(), critical: z.number().nonnegative() })
  .refine((value) => value.critical >= value.warning, { message: 'expected critical ≥ warning', path: ['critical'] });

const partialThresholds = z.strictObject({ errorRate: threshold.optional(), latencyP95Ms: threshold.optional(), breakerOpensPerHour: threshold.optional(), anomaly: threshold.optional() });

const mitigation = z.strictObject({
  metric: z.enum(SLA_METRICS).optional(),
  severity: z.enum(['warning', 'critical']).default('critical'),
  route: z.string().min(1).optional(),
  then: z.discriminatedUnion('action', [
    z.strictObject({ action: z.literal('drain') }),
    z.strictObject({ action: z.literal('switch-strategy'), strategy: z.enum(STRATEGY_NAMES) }),
    z.strictObject({ action: z.literal('lower-weight'), factor: z.number().min(0).max(1).default(DEFAULT_ANOMALY_SETTINGS.weightFactor) }),
  ]),
});

/** The `sources` section: the data router's policies per metric (and a default). */
export const sourcesSchema = z
  .strictObject({
    defaultPolicy: sourcePolicySchema.optional(),
    policies: z.record(z.string().min(1), sourcePolicySchema).default(() => ({})),
  })
  .prefault({});

export const slaSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    windowMs: z.number().int().min(1_000).default(300_000),
    evaluateEveryMs: z.number().int().min(100).default(10_000),
    minimumRequests: z.number().int().min(1).default(20),
    thresholds: z
      .strictObject({
        errorRate: threshold.default(DEFAULT_THRESHOLDS.errorRate),
        latencyP95Ms: threshold.default(DEFAULT_THRESHOLDS.latencyP95Ms),
        breakerOpensPerHour: threshold.default(DEFAULT_THRESHOLDS.breakerOpensPerHour),
        anomaly: threshold.default(DEFAULT_THRESHOLDS.anomaly),
      })
      .prefault({}),
    deployments: z.record(z.string(), partialThresholds).default(() => ({})),
    routes: z.record(z.string(), partialThresholds).default(() => ({})),
    webhook: z.strictObject({ url: z.url(), headers: z.record(z.string(), z.string()).default(() => ({})) }).optional(),
    mitigations: z.array(mitigation).default(() => []),
    maxDrainedPerRoute: z.number().int().min(0).default(1),
    /** Anomaly detection per deployment (sla/anomaly.ts); its alerts lower the weight by `weightFactor`. */
    anomaly: z
      .strictObject({
        enabled: z.boolean().default(DEFAULT_ANOMALY_SETTINGS.enabled),
        minimumSamples: z.number().int().min(1).default(DEFAULT_ANOMALY_SETTINGS.minimumSamples),
        baselineSmoothing: z.number().gt(0).max(1).default(DEFAULT_ANOMALY_SETTINGS.baselineSmoothing),
        recentSmoothing: z.number().gt(0).max(1).default(DEFAULT_ANOMALY_SETTINGS.recentSmoothing),
        latencySpreadFloor: z.number().min(0).default(DEFAULT_ANOMALY_SETTINGS.latencySpreadFloor),
        errorRateFloor: z.number().gt(0).lt(0.5).default(DEFAULT_ANOMALY_SETTINGS.errorRateFloor),
        recoveryMs: z.number().int().min(1).default(DEFAULT_ANOMALY_SETTINGS.recoveryMs),
        weightFactor: z.number().min(0).max(1).default(DEFAULT_ANOMALY_SETTINGS.weightFactor),
      })
      .prefault({}),
  })
  .prefault({});

export const tracingSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    endpoint: z.url().default('http://127.0.0.1:4318/v1/traces'),
    serviceName: z.string().min(1).default('junction'),
    headers: z.record(z.string(), z.string()).default(() => ({})),
  })
  .prefault({});
