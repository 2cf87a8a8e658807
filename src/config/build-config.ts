/**
 * From the validated config as written to the runtime shapes: defaults that depend on other
 * fields, absolute paths, and the catalog maps the router reads.
 */
import type { SlaSettings } from '../sla/types';
import type { SourcesSettings } from './types';
import { isAbsolute, resolve } from 'node:path';
import type { CacheScope, RouteCachePolicy } from '../cache/types';
import type { Catalog, Deployment, Provider, ProviderKind, Route, Tier } from '../routing/catalog';
import type { RawConfig, RawDeployment, RawProvider, RawRoute } from './schema';
import type { AuthSettings, BatchSettings, JunctionConfig, LedgerSettings, LimitSettings } from './types';

/** Each hosted API's public endpoint, version prefix included. */
export const DEFAULT_BASE_URLS: Record<Exclude<ProviderKind, 'openai-compatible'>, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  gemini: 'https://generativelanguage.googleapis.com/v1beta',
};

export function buildConfig(raw: RawConfig, options: { baseDir: string; file?: string }): JunctionConfig {
  return {
    ...(options.file === undefined ? {} : { file: options.file }),
    server: { ...raw.server },
    logging: { level: raw.logging.level },
    ledger: buildLedger(raw.ledger, raw.limits.timeZone, options.baseDir),
    state: raw.state.kind === 'redis' ? { kind: 'redis', url: raw.state.url!, prefix: raw.state.prefix, claimTimeoutMs: raw.state.claimTimeoutMs } : { kind: 'memory' },
    healthChecks: { ...raw.healthChecks },
    sla: structuredClone(raw.sla) as SlaSettings,
    sources: structuredClone(raw.sources) as SourcesSettings,
    tracing: { ...raw.tracing, headers: { ...raw.tracing.headers } },
    auth: buildAuth(raw.auth),
    limits: buildLimits(raw),
    ...(raw.simulator === undefined ? {} : { simulator: { ...raw.simulator } }),
    cache: { ...raw.cache },
    batch: buildBatch(raw.batch, options.baseDir),
    optimizer: { route: raw.optimizer.route ?? 'auto', ...(raw.optimizer.baseline === undefined ? {} : { baseline: raw.optimizer.baseline }) },
    catalog: buildCatalog(raw),
  };
}

function buildBatch(batch: RawConfig['batch'], baseDir: string): BatchSettings {
  const { store, capacityRpm, ...rest } = batch;
  const path = store.path === ':memory:' || isAbsolute(store.path) ? store.path : resolve(baseDir, store.path);
  return { ...rest, store: store.kind === 'sqlite' ? { kind: 'sqlite', path } : { kind: 'memory' }, capacityRpm: { ...capacityRpm } };
}

function buildLedger(ledger: RawConfig['ledger'], timeZone: string, baseDir: string): LedgerSettings {
  // `:memory:` is SQLite's name for a throwaway database, not a file.
  const local = (path: string) => (path === ':memory:' || isAbsolute(path) ? path : resolve(baseDir, path));
  const { batchSize, flushIntervalMs } = ledger;
  if (ledger.kind === 'postgres') {
    return {
      kind: 'postgres',
      url: ledger.url!,
      ...(ledger.schema === undefined ? {} : { schema: ledger.schema }),
      batchSize,
      flushIntervalMs,
      spoolPath: local(ledger.spoolPath),
      retentionDays: ledger.retentionDays,
      timeZone,
    };
  }
  return { kind: ledger.kind, path: local(ledger.path), batchSize, flushIntervalMs, timeZone };
}

function buildAuth(auth: RawConfig['auth']): AuthSettings {
  return {
    mode: auth.mode,
    openOnPublicAddress: auth.openOnPublicAddress,
    adminKeyEnv: auth.adminKeyEnv,
    keyPollMs: auth.keyPollMs,
    keys: auth.keys.map(({ expiresAt, name, ...key }) => ({
      ...key,
      name: name ?? key.id,
      ...(expiresAt === undefined ? {} : { expiresAt: Date.parse(expiresAt) }),
    })),
    teams: Object.entries(auth.teams).map(([id, team]) => ({ id, ...team, name: team.name ?? id })),
  };
}

function buildLimits(raw: RawConfig): LimitSettings {
  const { limits } = raw;
  return {
    timeZone: limits.timeZone,
    tierMultipliers: { ...limits.tierMultipliers },
    defaultMaxOutputTokens: limits.defaultMaxOutputTokens,
    keyDefaults: { ...limits.keyDefaults },
    onStoreDown: { ...limits.onStoreDown },
    storeTimeoutMs: limits.storeTimeoutMs,
    global: { limits: { ...limits.global.limits }, budgets: [...limits.global.budgets] },
    providers: new Map(Object.entries(limits.providers).map(([id, provider]) => [id, [...provider.budgets]])),
    routes: new Map(
      Object.entries(raw.routes).map(([name, route]) => [
        name,
        {
          limits: { ...route.limits },
          budgets: [...route.budgets],
          ...(route.downgradeTo === undefined ? {} : { downgradeTo: route.downgradeTo }),
          ...(route.concurrency === undefined ? {} : { concurrency: { ...route.concurrency } }),
        },
      ]),
    ),
    alerts: { thresholds: [...limits.alerts.thresholds].sort((a, b) => a - b), ...(limits.alerts.webhook ? { webhook: { ...limits.alerts.webhook } } : {}) },
  };
}

export function buildCatalog(raw: RawConfig): Catalog {
  return {
    providers: new Map(Object.entries(raw.providers).map(([id, provider]) => [id, buildProvider(id, provider)])),
    deployments: new Map(Object.entries(raw.deployments).map(([id, deployment]) => [id, buildDeployment(id, deployment)])),
    routes: new Map(Object.entries(raw.routes).map(([name, route]) => [name, buildRoute(name, route)])),
  };
}

function buildProvider(id: string, provider: RawProvider): Provider {
  // Cross-checks guarantee a baseUrl for openai-compatible providers.
  const baseUrl = provider.baseUrl ?? DEFAULT_BASE_URLS[provider.kind as keyof typeof DEFAULT_BASE_URLS];
  return {
    id,
    kind: provider.kind,
    // Adapters append paths like `/chat/completions`; a trailing slash would double it.
    baseUrl: baseUrl.replace(/\/+$/, ''),
    // `${KEY:-}` gives an empty string: no key, as for a local server.
    ...(provider.apiKey ? { apiKey: provider.apiKey } : {}),
    ...(provider.kind === 'openai-compatible' ? { preset: provider.preset ?? 'generic' } : {}),
    ...(provider.region === undefined ? {} : { region: provider.region }),
    timeoutMs: provider.timeoutMs,
    connectTimeoutMs: provider.connectTimeoutMs,
    maxConnections: provider.maxConnections,
    headers: { ...provider.headers },
  };
}

function buildDeployment(id: string, deployment: RawDeployment): Deployment {
  const { pricing } = deployment;
  return {
    id,
    provider: deployment.provider,
    model: deployment.model,
    pricing: {
      inputPerMillion: pricing.input,
      outputPerMillion: pricing.output,
      ...(pricing.cachedInput === undefined ? {} : { cachedInputPerMillion: pricing.cachedInput }),
    },
    contextWindow: deployment.contextWindow,
    ...(deployment.maxOutputTokens === undefined ? {} : { maxOutputTokens: deployment.maxOutputTokens }),
    capabilities: [...new Set(deployment.capabilities)],
    ...(deployment.quality === undefined ? {} : { quality: deployment.quality }),
    ...(deployment.qualityModel === undefined ? {} : { qualityModel: deployment.qualityModel }),
    priority: deployment.priority,
    weight: deployment.weight,
    tags: { ...deployment.tags },
    ...(deployment.limits === undefined ? {} : { limits: { ...deployment.limits } }),
    ...(deployment.speech === undefined ? {} : { speech: structuredClone(deployment.speech) }),
  };
}

function buildRoute(name: string, route: RawRoute): Route {
  const tiers: Tier[] = [{ name: 'primary', deployments: [...route.deployments] }];
  if (route.secondary) tiers.push({ name: 'secondary', deployments: [...route.secondary] });
  if (route.emergency?.deployments) tiers.push({ name: 'emergency', deployments: [...route.emergency.deployments] });
  if (route.local) tiers.push({ name: 'local', deployments: [...route.local] });
  return {
    name,
    ...(route.description === undefined ? {} : { description: route.description }),
    deployments: [...route.deployments],
    tiers,
    strategy: route.strategy,
    strategyOptions: { ...route.strategyOptions },
    retry: { ...route.retry },
    ...(route.attemptTimeoutMs === undefined ? {} : { attemptTimeoutMs: route.attemptTimeoutMs }),
    firstByteTimeoutMs: route.firstByteTimeoutMs,
    ...(route.timeoutMs === undefined ? {} : { timeoutMs: route.timeoutMs }),
    ...(route.hedge === undefined ? {} : { hedge: { ...route.hedge } }),
    streamResume: route.streamResume,
    breaker: { ...route.breaker },
    staleCache: route.emergency?.staleCache ?? false,
    ...(route.static === undefined ? {} : { staticResponse: route.static.message }),
    overrides: { ...route.overrides },
    ...(route.cache === undefined ? {} : { cache: routeCache(route.cache) }),
    ...(route.speech === undefined ? {} : { speech: structuredClone(route.speech) }),
  };
}

function routeCache(cache: NonNullable<RawRoute['cache']>): RouteCachePolicy {
  return {
    ttlSeconds: cache.ttlSeconds,
    scope: cache.scope as CacheScope,
    ...(cache.semantic === undefined ? {} : { semantic: { ...cache.semantic } }),
  };
}
