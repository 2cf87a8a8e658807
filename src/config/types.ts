/**
 * What the config loader hands to the rest of Junction: plain, fully defaulted settings and the
 * routing catalog. Nothing downstream of the loader reads YAML or applies defaults.
 */
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
export interface LedgerSettings {
  /** `none` keeps no entries: `query` returns nothing, but `count` still counts what was recorded. */
  kind: 'sqlite' | 'none';
  /** Absolute path of the SQLite file (or `:memory:`), resolved against the config file's directory. */
  path: string;
  batchSize: number;
  flushIntervalMs: number;
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

/** A validated, defaulted Junction configuration. */
export interface JunctionConfig {
  /** The file it was loaded from, when it came from a file. */
  file?: string;
  server: ServerSettings;
  logging: { level: LogLevel };
  ledger: LedgerSettings;
  state: StateSettings;
  healthChecks: HealthCheckSettings;
  simulator?: SimulatorSettings;
  catalog: Catalog;
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
