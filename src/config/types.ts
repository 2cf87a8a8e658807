/**
 * What the config loader hands to the rest of Junction: plain, fully defaulted settings and the
 * routing catalog. Nothing downstream of the loader reads YAML or applies defaults.
 */
import type { SourcePolicy } from '../sources/policy';
import type { SlaSettings } from '../sla/types';
import type { Budget, KeyTier, RateLimits, Scope } from '../access/types';
import type { Catalog } from '../routing/catalog';
import type { ModelBehaviour } from './simulator-behaviour';

/** The HTTP listener. */
export interface ServerSettings {
  host: string;
  port: number;
  /** Largest accepted request body. */
  bodyLimitBytes: number;
  /** One overall deadline per request, covering every retry and fallback. */
  requestTimeoutMs: number;
  /** How long in-flight requests may finish after a shutdown signal. */
  shutdownGraceMs: number;
  /** Time a caller has to send a request's headers, from its first byte (Node's `headersTimeout`). */
  headersTimeoutMs: number;
  /** Time a caller has to send a whole request, headers and body, from its first byte (Node's `requestTimeout`). */
  requestBodyTimeoutMs: number;
  /** Open connections this process accepts; further ones are closed as they arrive (Node's `maxConnections`). */
  maxConnections: number;
}

/** Where the request ledger is written. */
export type LedgerSettings = FileLedgerSettings | PostgresLedgerSettings;

/** The ledger in a SQLite file beside the config, or none. */
export interface FileLedgerSettings {
  /** `none` keeps no entries: `query` returns nothing, but `count` still counts what was recorded. */
  kind: 'sqlite' | 'none';
  /** Absolute path of the SQLite file (or `:memory:`), resolved against the config file's directory. */
  path: string;
  batchSize: number;
  flushIntervalMs: number;
  /** IANA zone of the daily totals' days (the config's limits.timeZone, as budgets use). */
  timeZone: string;
}

/** The ledger in PostgreSQL, shared by replicas, with a local spool for outages. */
export interface PostgresLedgerSettings {
  kind: 'postgres';
  url: string;
  /** Schema of the ledger's tables; default `public`. */
  schema?: string;
  batchSize: number;
  flushIntervalMs: number;
  /** Local file for batches PostgreSQL cannot take; one per process. */
  spoolPath: string;
  /** Raw rows are deleted after this many days; daily totals are kept. */
  retentionDays: number;
  /** IANA zone of the daily totals' days. */
  timeZone: string;
}

/** Where live health and breaker state are kept; `redis` shares them between replicas and workers. */
export type StateSettings = { kind: 'memory' } | { kind: 'redis'; url: string; prefix: string; claimTimeoutMs: number };

/** Active health checks: a cheap probe per deployment at an interval; results move the breakers. */
export interface HealthCheckSettings {
  enabled: boolean;
  intervalMs: number;
  timeoutMs: number;
}

/** Simulated upstreams started in-process (the demo uses them). */
export interface SimulatorSettings {
  host: string;
  port: number;
  /** Behaviour of any model not listed in `models`. */
  defaults?: ModelBehaviour;
  /** Behaviour per upstream model name. */
  models: Record<string, ModelBehaviour>;
}

/** Pino log level, `silent` included. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A key declared in the config (GitOps): the key itself (from the environment) or its hash. */
export interface DeclaredKey {
  id: string;
  name: string;
  key?: string;
  hash?: string;
  team?: string;
  tier: KeyTier;
  scopes: Scope[];
  routes: string[];
  expiresAt?: number;
  metadata: Record<string, string>;
  limits: RateLimits;
  budgets: Budget[];
}

export interface DeclaredTeam {
  id: string;
  name: string;
  metadata: Record<string, string>;
  limits: RateLimits;
  budgets: Budget[];
}

/** Who may call: open access, or virtual keys. */
export interface AuthSettings {
  mode: 'open' | 'keys';
  /** Open access on a non-loopback address was asked for by name. */
  openOnPublicAddress: boolean;
  /** Environment variable holding the admin key. */
  adminKeyEnv: string;
  keyPollMs: number;
  keys: DeclaredKey[];
  teams: DeclaredTeam[];
}

/** What one route adds to the access rules. */
export interface RouteAccess {
  limits: RateLimits;
  budgets: Budget[];
  downgradeTo?: string;
  concurrency?: { max: number; queue: number };
}

/** Limits and budgets beyond those of keys and teams, and how they are kept. */
export interface LimitSettings {
  timeZone: string;
  tierMultipliers: Record<KeyTier, number>;
  defaultMaxOutputTokens: number;
  /** Each key's limit for every field it does not set itself, field by field (before the tier multiplier). */
  keyDefaults: RateLimits;
  onStoreDown: { rateLimits: 'open' | 'closed'; budgets: 'open' | 'closed' };
  storeTimeoutMs: number;
  global: { limits: RateLimits; budgets: Budget[] };
  providers: Map<string, Budget[]>;
  routes: Map<string, RouteAccess>;
  alerts: { thresholds: number[]; webhook?: { url: string; headers: Record<string, string> } };
}

/**
 * The cost-optimiser service API. Days (`total_cost_today`) are calendar days in `limits.timeZone`,
 * the zone the ledger's daily totals and budgets use.
 */
export interface OptimizerSettings {
  /** The route prompts are sent to; `auto` unless the config names another. */
  route: string;
  /** The deployment savings are priced against; the route's costliest deployment when absent. */
  baseline?: string;
}

/** A validated, defaulted Junction configuration. */
export interface TracingSettings {
  enabled: boolean;
  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
  endpoint: string;
  serviceName: string;
  headers: Record<string, string>;
}

export interface SourcesSettings {
  defaultPolicy?: SourcePolicy;
  policies: Record<string, SourcePolicy>;
}

export interface JunctionConfig {
  /** The file it was loaded from, when it came from a file. */
  file?: string;
  server: ServerSettings;
  logging: { level: LogLevel };
  ledger: LedgerSettings;
  state: StateSettings;
  healthChecks: HealthCheckSettings;
  sla: SlaSettings;
  /** The multi-source data router's policies. */
  sources: SourcesSettings;
  /** OpenTelemetry traces (off by default). */
  tracing: TracingSettings;
  auth: AuthSettings;
  limits: LimitSettings;
  simulator?: SimulatorSettings;
  optimizer: OptimizerSettings;
  /** Where the response cache keeps answers (routes opt in with their own `cache` section). */
  cache: CacheSettings;
  /** The Batch API and its forecast-driven scheduler (off by default). */
  batch: BatchSettings;
  catalog: Catalog;
}

/** The `batch` section (see batch-schema.ts). */
export interface BatchSettings {
  enabled: boolean;
  store: { kind: 'memory' } | { kind: 'sqlite'; path: string };
  tickMs: number;
  margin: number;
  p99TargetMs: number;
  bucketMinutes: number;
  historyDays: number;
  capacityRpm: Record<string, number>;
  defaultCapacityRpm: number;
  maxInFlight: number;
  maxFileBytes: number;
  maxLines: number;
}

export interface CacheSettings {
  kind: 'memory' | 'redis';
  url?: string;
  prefix: string;
  maxBytes: number;
  maxEntryBytes: number;
  timeoutMs: number;
  semanticMaxEntries: number;
}

/** One problem found in a config, pointing at the offending place in the source. */
export interface ConfigIssue {
  file: string;
  /** 1-based line of the offending YAML node (absent for configs built in code). */
  line?: number;
  /** 1-based column of the offending YAML node. */
  column?: number;
  /** Where in the config, e.g. `providers.openai.kind` or `routes.chat.deployments[1]`; empty for the whole file. */
  path: string;
  message: string;
}
