/**
 * The schema of `junction.yaml`: one zod schema giving types, defaults and the first layer of
 * errors. Every object is strict, so unknown keys are rejected. Cross-references between
 * sections (a deployment's provider, a route's deployments) are checked in cross-check.ts.
 *
 * Around it: string values may use `${VAR}` / `${VAR:-default}` (interpolate.ts); a number or
 * boolean field accepts such a value when it reads as one (coerce.ts); top-level `x-` keys are
 * ignored so they can hold YAML anchors (parse-config.ts). Prices are USD per 1M tokens.
 */
import { z } from 'zod';
import { DEFAULT_BREAKER_POLICY } from '../resilience/types';
import type { Capability, CompatiblePreset, ProviderKind } from '../routing/catalog';
import { AUTO_MODES } from '../routing/auto/types';
import { STRATEGY_NAMES } from '../routing/strategies/types';
import { DEFAULT_CLAIM_TIMEOUT_MS, DEFAULT_REDIS_PREFIX } from './defaults';
import { authSchema, limitsSchema, routeAccessFields } from './access-schema';
import { slaSchema, sourcesSchema, tracingSchema } from './operations-schema';
import { cacheSchema, routeCacheSchema } from './cache-schema';
import { adaptiveOptionsSchema, expertOptionsSchema } from './routing-options-schema';
import { batchSchema } from './batch-schema';
import { modelBehaviourSchema } from './simulator-behaviour-schema';
import { deploymentSpeechSchema, routeSpeechSchema } from './speech-schema';
import {
  headerName,
  httpUrl,
  nameKey,
  nonEmptyString,
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger,
  redisUrl,
} from './schema-helpers';

export const PROVIDER_KINDS = ['openai', 'anthropic', 'gemini', 'openai-compatible'] as const satisfies readonly ProviderKind[];
export const COMPATIBLE_PRESETS = [
  'vllm',
  'ollama',
  'llamacpp',
  'openrouter',
  'groq',
  'together',
  'generic',
] as const satisfies readonly CompatiblePreset[];
export const CAPABILITIES = [
  'chat',
  'tools',
  'vision',
  'json',
  'streaming',
  'embeddings',
  'speech',
] as const satisfies readonly Capability[];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = () => z.number().int().min(0).max(65535);

// `prefault` (not `default`) so an absent section is parsed as `{}` and gets its fields' defaults.
const serverSchema = z
  .strictObject({
    host: nonEmptyString().default('127.0.0.1'),
    port: port().default(4000),
    bodyLimitBytes: positiveInteger().default(4 * 1024 * 1024),
    requestTimeoutMs: positiveInteger().default(300_000),
    shutdownGraceMs: nonNegativeInteger().default(10_000),
    // Slow or stalled callers: Node's own defaults are 60 s, 300 s and no connection limit.
    headersTimeoutMs: positiveInteger().default(30_000),
    requestBodyTimeoutMs: positiveInteger().default(120_000),
    maxConnections: positiveInteger().default(10_000),
  })
  // Node refuses a headers timeout longer than the whole request's.
  .refine((server) => server.headersTimeoutMs <= server.requestBodyTimeoutMs, {
    message: 'expected headersTimeoutMs to be at most requestBodyTimeoutMs (the headers are part of the request)',
    path: ['headersTimeoutMs'],
  })
  .prefault({});

const loggingSchema = z.strictObject({ level: z.enum(LOG_LEVELS).default('info') }).prefault({});

/**
 * The ledger (and, beside it, the keys, teams and audit log): a SQLite file for one process, or
 * PostgreSQL shared by replicas (`url`, `schema`; `spoolPath` keeps batches PostgreSQL cannot
 * take until it is back; raw rows are kept `retentionDays`, daily totals for ever).
 */
const ledgerSchema = z
  .strictObject({
    kind: z.enum(['sqlite', 'postgres', 'none']).default('sqlite'),
    path: nonEmptyString().default('junction.db'),
    url: z.string().regex(/^postgres(ql)?:\/\//, { message: 'expected a postgres:// URL such as postgres://user@127.0.0.1:5432/junction' }).optional(),
    schema: z.string().regex(/^[a-z_][a-z0-9_]*$/, { message: 'expected a lowercase SQL identifier' }).optional(),
    spoolPath: nonEmptyString().default('junction-ledger.spool'),
    retentionDays: positiveInteger().default(90),
    batchSize: positiveInteger().default(128),
    flushIntervalMs: positiveInteger().default(25),
  })
  .refine((ledger) => ledger.kind !== 'postgres' || ledger.url !== undefined, { message: 'a postgres:// URL when kind is postgres', path: ['url'] })
  .prefault({});

/** Where live health and breaker state are kept: this process's memory, or Redis shared by replicas. */
const stateSchema = z
  .strictObject({
    kind: z.enum(['memory', 'redis']).default('memory'),
    url: redisUrl().optional(),
    prefix: nonEmptyString().default(DEFAULT_REDIS_PREFIX),
    /** The longest a request waits for Redis to grant a half-open probe slot before probing on its own view (ms). */
    claimTimeoutMs: positiveInteger().default(DEFAULT_CLAIM_TIMEOUT_MS),
  })
  .refine((state) => state.kind !== 'redis' || state.url !== undefined, { message: 'a redis:// URL when kind is redis, such as redis://127.0.0.1:6379', path: ['url'] })
  .prefault({});

const healthChecksSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    intervalMs: positiveInteger().default(30_000),
    timeoutMs: positiveInteger().default(5_000),
  })
  .prefault({});

const simulatorSchema = z.strictObject({
  host: nonEmptyString().default('127.0.0.1'),
  port: port().default(4010),
  defaults: modelBehaviourSchema.optional(),
  models: z.record(nameKey(), modelBehaviourSchema).default(() => ({})),
});

const providerSchema = z.strictObject({
  kind: z.enum(PROVIDER_KINDS),
  preset: z.enum(COMPATIBLE_PRESETS).optional(),
  baseUrl: httpUrl().optional(),
  apiKey: z.string().optional(),
  region: nonEmptyString().optional(),
  timeoutMs: positiveInteger().default(60_000),
  connectTimeoutMs: positiveInteger().default(5_000),
  maxConnections: positiveInteger().default(128),
  headers: z.record(nonEmptyString(), z.string()).default(() => ({})),
});

const pricingSchema = z.strictObject({
  input: nonNegativeNumber(),
  output: nonNegativeNumber(),
  cachedInput: nonNegativeNumber().optional(),
});

const deploymentSchema = z.strictObject({
  provider: nonEmptyString(),
  model: nonEmptyString(),
  pricing: pricingSchema,
  contextWindow: positiveInteger(),
  maxOutputTokens: positiveInteger().optional(),
  capabilities: z
    .array(z.enum(CAPABILITIES))
    .min(1)
    .default((): Capability[] => ['chat', 'streaming']),
  quality: z.number().min(0).max(1).optional(),
  qualityModel: nonEmptyString().optional(),
  priority: z.number().int().default(0),
  weight: nonNegativeNumber().default(1),
  tags: z.record(nonEmptyString(), z.string()).default(() => ({})),
  limits: z
    .strictObject({ rpm: positiveInteger().optional(), tpm: positiveInteger().optional(), maxInFlight: positiveInteger().optional() })
    .optional(),
  /** Text to speech: languages, voices, tier, typical latency, formats (speech-schema.ts). */
  speech: deploymentSpeechSchema.optional(),
});

const deploymentList = () => z.array(nonEmptyString()).min(1);

const retrySchema = z
  .strictObject({
    attempts: z.number().int().min(0).max(10).default(1),
    baseDelayMs: nonNegativeNumber().default(100),
    maxDelayMs: nonNegativeNumber().default(2_000),
    budgetRatio: z.number().min(0).max(10).default(0.2),
  })
  .prefault({});

const breakerSchema = z
  .strictObject({
    consecutiveFailures: positiveInteger().default(DEFAULT_BREAKER_POLICY.consecutiveFailures),
    failureRate: z.number().gt(0).max(1).default(DEFAULT_BREAKER_POLICY.failureRate),
    minimumRequests: positiveInteger().default(DEFAULT_BREAKER_POLICY.minimumRequests),
    windowMs: positiveInteger().default(DEFAULT_BREAKER_POLICY.windowMs),
    cooldownMs: positiveInteger().default(DEFAULT_BREAKER_POLICY.cooldownMs),
    maxCooldownMs: positiveInteger().default(DEFAULT_BREAKER_POLICY.maxCooldownMs),
    halfOpenProbes: positiveInteger().default(DEFAULT_BREAKER_POLICY.halfOpenProbes),
  })
  .prefault({});

const hedgeSchema = z.strictObject({
  delayMs: z.union([positiveInteger(), z.literal('p95')]).default('p95'),
  fallbackDelayMs: positiveInteger().default(1_000),
});

const routeSchema = z.strictObject({
  description: z.string().optional(),
  /** The primary tier. */
  deployments: deploymentList(),
  secondary: deploymentList().optional(),
  emergency: z
    .strictObject({
      staleCache: z.boolean().default(false),
      deployments: deploymentList().optional(),
    })
    .optional(),
  local: deploymentList().optional(),
  static: z.strictObject({ message: nonEmptyString() }).optional(),
  strategy: z.enum(STRATEGY_NAMES).default('priority'),
  strategyOptions: z
    .strictObject({
      latencyTolerance: z.number().min(0).max(10).optional(),
      qualityFloor: z.number().min(0).max(1).optional(),
      auto: z
        .strictObject({
          mode: z.enum(AUTO_MODES).optional(),
          costWeight: nonNegativeNumber().optional(),
        })
        .optional(),
      adaptive: adaptiveOptionsSchema.optional(),
      experts: expertOptionsSchema.optional(),
    })
    .default(() => ({})),
  retry: retrySchema,
  attemptTimeoutMs: positiveInteger().optional(),
  firstByteTimeoutMs: z.union([positiveInteger(), z.literal('auto')]).default('auto'),
  timeoutMs: positiveInteger().optional(),
  hedge: hedgeSchema.optional(),
  streamResume: z.boolean().default(false),
  /** Answers kept and served again (see cache-schema.ts); absent: this route is not cached. */
  cache: routeCacheSchema.optional(),
  /** Text to speech: fallback voices and the default quality tier (speech-schema.ts). */
  speech: routeSpeechSchema.optional(),
  breaker: breakerSchema,
  overrides: z
    .strictObject({ strategy: z.boolean().default(true), pin: z.boolean().default(false), exclude: z.boolean().default(true), auto: z.boolean().default(true) })
    .prefault({}),
  ...routeAccessFields,
});

/**
 * The cost-optimiser service API (/complete, /recommendation, /routing/…): the route it sends
 * prompts to (`auto` when not given) and the deployment /routing/metrics prices savings against
 * (the route's costliest deployment when not given).
 */
const optimizerSchema = z
  .strictObject({
    route: headerName().optional(),
    baseline: headerName().optional(),
  })
  .prefault({});

export const configSchema = z.strictObject({
  server: serverSchema,
  logging: loggingSchema,
  ledger: ledgerSchema,
  state: stateSchema,
  healthChecks: healthChecksSchema,
  sla: slaSchema,
  sources: sourcesSchema,
  tracing: tracingSchema,
  auth: authSchema,
  limits: limitsSchema,
  simulator: simulatorSchema.optional(),
  optimizer: optimizerSchema,
  cache: cacheSchema,
  batch: batchSchema,
  providers: z.record(nameKey(), providerSchema),
  deployments: z.record(headerName(), deploymentSchema),
  routes: z.record(headerName(), routeSchema),
});

/** The config as written, after schema validation and defaults but before cross-checks. */
export type RawConfig = z.output<typeof configSchema>;
export type RawProvider = z.output<typeof providerSchema>;
export type RawDeployment = z.output<typeof deploymentSchema>;
export type RawRoute = z.output<typeof routeSchema>;
