/**
 * End-to-end harness: a simulated upstream and a real Junction over loopback HTTP, configured
 * in code, with an in-memory SQLite ledger the test can read back.
 */
import { startJunction, type Junction } from '../../src/app';
import { configFromObject } from '../../src/config';
import { createSqliteLedger, type Ledger } from '../../src/ledger';
import { startSimulator, type Simulator } from '../../src/simulator';
import type { ModelBehaviour } from '../../src/config/simulator-behaviour';
import { createLogger } from '../../src/observability/logger';
import type { QualityPredictor } from '../../src/routing/auto/predictor';

export interface Harness {
  junction: Junction;
  simulator: Simulator;
  url: string;
  /** Back to a clean slate between tests: default upstream behaviour, no health history. */
  reset(): void;
  close(): Promise<void>;
}

/** Deployments of the standard test catalog: one per upstream format, plus spares for fallback. */
export const PRICES = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'claude-haiku': { input: 0.8, output: 4 },
  'gemini-flash': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
};

/** What a test may add to or change in the standard catalog; every field is optional. */
export interface ConfigOverrides {
  /** Extra routes, or replacements for standard ones of the same name. */
  routes?: Record<string, unknown>;
  /** Extra providers (config form), e.g. one on a closed port. */
  providers?: Record<string, unknown>;
  /** Extra deployments (config form), so a test can give its own routes deployments no other route lists (and so their breaker policy). */
  deployments?: Record<string, unknown>;
  /** The `healthChecks` config section; off when absent. */
  healthChecks?: { enabled?: boolean; intervalMs?: number; timeoutMs?: number };
  timeoutMs?: number;
  bodyLimitBytes?: number;
  /** The `state` config section; memory when absent. */
  state?: { kind: 'memory' | 'redis'; url?: string; prefix?: string; claimTimeoutMs?: number };
  /** The `auth` config section; open when absent. */
  auth?: Record<string, unknown>;
  /** The `limits` config section; none when absent. */
  limits?: Record<string, unknown>;
  /** The `optimizer` config section (the cost-optimiser API's route and baseline); defaults when absent. */
  optimizer?: Record<string, unknown>;
  /** The `sla` config section; defaults when absent. */
  sla?: Record<string, unknown>;
  /** The `tracing` config section; off when absent. */
  tracing?: Record<string, unknown>;
  /** The `cache` config section (the response cache's backend); memory when absent. */
  cache?: Record<string, unknown>;
  /** The `batch` config section (the Batch API); off when absent. */
  batch?: Record<string, unknown>;
}

export function testConfig(simulatorUrl: string, overrides: ConfigOverrides = {}) {
  const provider = (kind: string, path: string) => ({ kind, baseUrl: simulatorUrl + path, apiKey: 'test-key', timeoutMs: overrides.timeoutMs ?? 5_000 });
  const chat = ['chat', 'tools', 'vision', 'json', 'streaming'];
  return configFromObject({
    server: { host: '127.0.0.1', port: 0, ...(overrides.bodyLimitBytes ? { bodyLimitBytes: overrides.bodyLimitBytes } : {}) },
    logging: { level: 'silent' },
    ledger: { kind: 'none' },
    ...(overrides.healthChecks ? { healthChecks: overrides.healthChecks } : {}),
    ...(overrides.state ? { state: overrides.state } : {}),
    ...(overrides.auth ? { auth: overrides.auth } : {}),
    ...(overrides.limits ? { limits: overrides.limits } : {}),
    ...(overrides.sla ? { sla: overrides.sla } : {}),
    ...(overrides.tracing ? { tracing: overrides.tracing } : {}),
    ...(overrides.optimizer ? { optimizer: overrides.optimizer } : {}),
    ...(overrides.cache ? { cache: overrides.cache } : {}),
    ...(overrides.batch ? { batch: overrides.batch } : {}),
    providers: {
      'sim-openai': provider('openai', '/v1'),
      'sim-anthropic': provider('anthropic', '/v1'),
      'sim-gemini': provider('gemini', '/v1beta'),
      'sim-compatible': { kind: 'openai-compatible', preset: 'vllm', baseUrl: simulatorUrl + '/v1', apiKey: 'test-key' },
      'dead-port': { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'x', timeoutMs: 2_000 },
      ...overrides.providers,
    },
    deployments: {
      'openai-mini': { provider: 'sim-openai', model: 'gpt-4o-mini', pricing: PRICES['gpt-4o-mini'], contextWindow: 128_000, capabilities: chat },
      'openai-big': { provider: 'sim-openai', model: 'gpt-4o', pricing: PRICES['gpt-4o'], contextWindow: 128_000, capabilities: chat },
      'anthropic-haiku': { provider: 'sim-anthropic', model: 'claude-haiku', pricing: PRICES['claude-haiku'], contextWindow: 200_000, capabilities: chat },
      'gemini-flash': { provider: 'sim-gemini', model: 'gemini-flash', pricing: PRICES['gemini-flash'], contextWindow: 1_000_000, capabilities: chat },
      'vllm-llama': { provider: 'sim-compatible', model: 'llama-3.1-8b', pricing: { input: 0, output: 0 }, contextWindow: 8_192, capabilities: chat },
      'dead': { provider: 'dead-port', model: 'gpt-4o-mini', pricing: PRICES['gpt-4o-mini'], contextWindow: 128_000, capabilities: chat },
      'embed': { provider: 'sim-openai', model: 'text-embedding-3-small', pricing: { input: 0.02, output: 0 }, contextWindow: 8_192, capabilities: ['embeddings'] },
      'gemini-embed': { provider: 'sim-gemini', model: 'text-embedding-004', pricing: { input: 0.01, output: 0 }, contextWindow: 2_048, capabilities: ['embeddings'] },
      ...overrides.deployments,
    },
    routes: {
      'to-openai': { deployments: ['openai-mini'] },
      'to-anthropic': { deployments: ['anthropic-haiku'] },
      'to-gemini': { deployments: ['gemini-flash'] },
      'to-vllm': { deployments: ['vllm-llama'] },
      'failover': { deployments: ['openai-big', 'anthropic-haiku', 'gemini-flash'] },
      'dead-then-openai': { deployments: ['dead', 'openai-mini'] },
      'embeddings': { deployments: ['embed'] },
      'gemini-embeddings': { deployments: ['gemini-embed'] },
      ...overrides.routes,
    },
  });
}

export interface HarnessOptions extends ConfigOverrides {
  /** Simulated upstream behaviours by model name. */
  models?: Record<string, ModelBehaviour>;
  /** The simulator's random source (fault and latency draws); seed it for repeatable runs. */
  random?: () => number;
  /** Defaults to an in-memory SQLite ledger. */
  ledger?: Ledger;
  /** The environment Junction reads its admin key from. */
  env?: NodeJS.ProcessEnv;
  /** Junction's clock (default: the real one). */
  now?: () => number;
  /** Junction's random source (default: Math.random). */
  junctionRandom?: () => number;
  /** The learned quality model for auto-routing. */
  predictor?: QualityPredictor;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const simulator = await startSimulator({ models: options.models, random: options.random, apiKey: 'test-key' });
  const config = testConfig(simulator.url, options);
  const ledger = options.ledger ?? createSqliteLedger({ path: ':memory:' });
  const junction = await startJunction(config, { port: 0, ledger, logger: createLogger('silent'), ...(options.env ? { env: options.env } : {}), ...(options.now ? { now: options.now } : {}), ...(options.junctionRandom ? { random: options.junctionRandom } : {}), ...(options.predictor ? { predictor: options.predictor } : {}) });
  return {
    junction,
    simulator,
    url: junction.url,
    reset: () => {
      simulator.reset();
      for (const id of config.catalog.deployments.keys()) junction.services.store.forget(id);
    },
    close: async () => {
      await junction.close();
      await simulator.close();
    },
  };
}

export { seededRandom } from '../../src/resilience/random';
