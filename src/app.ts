/**
 * The one place Junction is wired: from a validated config, the state store, the ledger, the
 * pipeline and its stages, the operations layer, metrics, logs, the HTTP server and (when the
 * config asks) the simulated upstreams; and their shutdown in the right order (stop accepting,
 * finish in-flight requests, flush the ledger). A listener that cannot start (port taken,
 * unknown host) is a ListenError, thrown once whatever had started is stopped again, so the
 * process can exit cleanly.
 */
import { isIP, type AddressInfo } from 'node:net';
import { createRouteGuards } from './access/route-guards';
import { startAccess, type Access } from './access/start-access';
import { generateKey } from './access/keys';
import { ringRefreshingStore } from './access/ring-refreshing-store';
import { createUsageSource } from './access/usage-report';
import { loadConfigFile, type JunctionConfig } from './config';
import { ConfigError } from './config/config-error';
import { GatewayEvents } from './gateway/events';
import { startHealthChecks } from './gateway/health-checks';
import { Pipeline } from './gateway/pipeline';
import { startCache } from './cache/start-cache';
import { embedQuestion } from './cache/embed-question';
import { cacheStatsView } from './operations/cache-view';
import { spacedReports } from './state/redis/spaced-reports';
import { announceBreakerChanges, createServices, type GatewayServices } from './gateway/services';
import { asListenError, formatAddress } from './http/listen-error';
import { buildServer } from './http/server';
import { createLedger } from './ledger';
import type { Ledger } from './ledger/types';
import type { SpendReport } from './ledger/reports';
import { createLogger, logRequests, type Logger } from './observability/logger';
import { createMetrics } from './observability/metrics';
import { createOperations, type Operations } from './operations';
import { createAdminOperations } from './operations/admin';
import { budgetsFromAdmin, createDashboard, type Dashboard } from './operations/dashboard';
import { createOptimizerOperations, type OptimizerOperations } from './operations/optimizer';
import { createAccessView } from './operations/admin/access-view';
import { createLearningOperations } from './operations/learning';
import { feedAdaptiveRouting, withAdaptiveFeedback } from './operations/adaptive-feedback';
import { AdaptiveRouting } from './routing/adaptive/adaptive-routing';
import { breakerPolicyFor } from './routing/breaker-policies';
import { startSimulator, type Simulator } from './simulator';
import { createStateStore } from './state/create-state-store';
import { settledOrAfter } from './state/redis/close-grace';
import { createConfigReloader, type ReloadOutcome } from './gateway/reload';
import { configureRoute } from './gateway/configure-routing';
import { startSla, type Sla } from './sla/start-sla';
import { startTracing, type Tracing } from './observability/tracing';
import { startSourceRouting } from './sources/start-sources';
import { JunctionError } from './errors';
import { liveCatalog } from './routing/live-catalog';
import { createRouter } from './library/create-router';
import type { InProcessGateway } from './mcp/stdio';
import type { QualityPredictor } from './routing/auto/predictor';
import { shippedPredictor } from './routing/auto/learned';
import { learnFromRequest, startAutoRouting, type AutoRouting } from './routing/auto/start-learning';
import { startBatch, type BatchRuntime } from './batch/start-batch';
import { hasLoadHistory } from './ledger/load-history';

/** How long a start waits for a shared limit store to connect before it listens anyway (requests then go by `limits.onStoreDown`). */
const LIMIT_STORE_CONNECT_GRACE_MS = 3_000;

export interface Junction {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  pipeline: Pipeline;
  operations: Operations;
  /** The cost-optimiser service operations (behind /complete, /recommendation, /routing/…). */
  optimizer: OptimizerOperations;
  /** Catalog, live health (`services.store`), upstream client, events, clock. */
  services: GatewayServices;
  ledger: Ledger;
  /** Keys, limits and budgets: the key store and ring, the limit store, the pipeline's access stages. */
  access: Access;
  /** Auto-routing's learned model and feedback learning. */
  autoRouting: AutoRouting;
  /** The adaptive strategy's learners, per route. */
  adaptive: AdaptiveRouting;
  /** The SLA monitor: active alerts, per-target figures, load-balancing reports. */
  sla: Sla;
  /** The live dashboard's data (GET /dashboard/data); `useAlerts` plugs in the active alerts. */
  dashboard: Dashboard;
  /** OpenTelemetry export, when `tracing.enabled`. */
  tracing?: Tracing;
  /** The Batch API's store, forecast and runner, when `batch.enabled`. */
  batch?: BatchRuntime;
  simulator?: Simulator;
  logger: Logger;
  /**
   * Reload the config: from `next`, or from the file it was loaded from. Validated first, then
   * the catalog is swapped at once (requests in flight finish on the old one; health and
   * breakers stay with deployments that still exist). An invalid config changes nothing and
   * the outcome says why. `actor` goes into the audit log.
   */
  reload(next?: JunctionConfig, actor?: string): Promise<ReloadOutcome>;
  /** The config now running (its catalog changes with reloads). */
  config(): JunctionConfig;
  /** Graceful stop: refuse new requests, wait for in-flight ones (up to the grace period), flush the ledger. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Override the config's listen port (0 = ephemeral, for tests). */
  port?: number;
  /** Override the config's listen address (`server.host`). */
  host?: string;
  logger?: Logger;
  ledger?: Ledger;
  /** Injected randomness and clock for routing (deterministic tests). */
  random?: () => number;
  now?: () => number;
  /** The environment the admin key is read from (default: the process's). */
  env?: NodeJS.ProcessEnv;
  /** The learned quality model for auto-routing (default: the shipped one); `null` for none. */
  predictor?: QualityPredictor | null;
  /** The key store's SQLite file when the ledger is one (default: beside the ledger's file; workers share the primary's). */
  accessStorePath?: string;
}

export async function startJunction(config: JunctionConfig, options: StartOptions = {}): Promise<Junction> {
  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  assertSafeExposure(config, host);
  const logger = options.logger ?? createLogger(config.logging.level);
  const simulator = config.simulator ? await startConfiguredSimulator(config.simulator) : undefined;
  const ledger =
    options.ledger ?? createLedger(config.ledger, (error) => logger.error({ err: error instanceof Error ? error.message : String(error) }, 'ledger write failed'));

  const events = new GatewayEvents();
  // Breakers follow the current catalog's policies, so a reload that changes a route's breaker applies to its deployments.
  let breakerPolicy = breakerPolicyFor(config.catalog);
  const store = createStateStore(config.state, {
    policy: (deployment) => breakerPolicy(deployment),
    onBreakerChange: announceBreakerChanges(events),
    onError: (error) => logger.warn({ err: error.message }, 'shared state unreachable; routing on this process’s own view'),
  });
  const autoRouting = startAutoRouting(config, {
    now: options.now ?? Date.now,
    ...(options.predictor === null ? {} : { predictor: options.predictor ?? shippedPredictor() }),
    onError: (message) => logger.warn(message),
  });
  // Learns per route from every attempt; reads the catalog as it is after any reload.
  const adaptive = new AdaptiveRouting({ catalog: () => services.catalog, now: options.now ?? Date.now });
  const services = createServices({
    catalog: config.catalog,
    store,
    events,
    auto: autoRouting.knowledge,
    adaptive: adaptive.knowledge,
    ...(options.random ? { random: options.random } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const catalog = liveCatalog(() => services.catalog);
  const metrics = createMetrics(events, { isKnownRoute: (name) => services.catalog.routes.has(name) });
  const access = startAccess(config, {
    catalog,
    logger,
    now: services.now,
    ...(options.env ? { env: options.env } : {}),
    ...(options.accessStorePath ? { storePath: options.accessStorePath } : {}),
    onBudgetAlert: (alert) => metrics.budgetAlert(alert.counter.slice(0, alert.counter.indexOf(':')), alert.threshold),
    onLimitsUnavailable: () => metrics.limitStoreUnavailable(),
  });
  const guards = createRouteGuards({ routes: config.limits.routes, now: services.now });
  if (guards) metrics.watchRouteGates(guards.stats);
  const cacheErrors = spacedReports((error) => logger.warn({ err: error.message }, 'response cache store unreachable; answering as misses'), services.now, 10_000);
  const cache = startCache(config.cache, {
    now: services.now,
    // The semantic cache embeds through the pipeline (declared below): routed, retried and in the ledger like any request.
    embed: (question, policy, exchange) => embedQuestion(pipeline, question, policy, exchange),
    onError: (error) => cacheErrors('cache', error),
  });
  const pipeline = new Pipeline(services, {
    requestTimeoutMs: config.server.requestTimeoutMs,
    stages: {
      authenticate: access.control.authenticate,
      ...(access.control.admit ? { admit: access.control.admit } : {}),
      ...(guards ? { guards } : {}),
      cache: cache.stage,
      phrases: cache.phrases,
    },
  });
  const operations = createOperations(pipeline);
  const cacheStats = () => cacheStatsView(cache, services.catalog);
  metrics.watchCache(() => cache.stats.snapshot());
  const optimizer = createOptimizerOperations({ pipeline, operations, ledger, timeZone: config.limits.timeZone, cacheStats, ...config.optimizer });
  const admin = createAdminOperations({
    // Writes reach this replica's key ring before they are answered: a key revoked here is refused here at once.
    store: ringRefreshingStore(access.store, access.ring),
    now: services.now,
    generateKey: () => generateKey(),
    routeNames: () => [...services.catalog.routes.keys()],
    declared: access.declared,
    ...(hasSpendReport(ledger) ? { spend: (query) => ledger.spend(query) } : {}),
    usage: createUsageSource({ limits: config.limits, store: access.limits, ...createAccessView({ store: access.store, declared: access.declared }), now: services.now }),
  });

  // Account: the ledger, metrics and logs hear of every request through the pipeline's events.
  events.subscribe((event) => {
    if (event.type !== 'request-end') return;
    ledger.record(event.entry);
    learnFromRequest(autoRouting, event.entry);
  });
  events.subscribe(feedAdaptiveRouting(adaptive));
  logRequests(events, logger);
  const tracing = startTracing(config.tracing, events, catalog);

  // Dashboard: recent traffic from the events, the rest read from the operations above on each poll.
  const dashboard = createDashboard({
    operations,
    events,
    now: services.now,
    budgets: budgetsFromAdmin(admin),
    cache: async () => {
      const stats = await cacheStats();
      return { enabled: stats.enabled, hits: stats.hits + stats.semantic_hits, misses: stats.misses, hitRate: stats.hit_rate, savedUsd: stats.cost_saved_usd, note: stats.note };
    },
    ...(hasSpendReport(ledger) ? { spend: (query) => ledger.spend(query) } : {}),
  });
  const healthChecks = config.healthChecks.enabled ? startHealthChecks(services, config.healthChecks) : undefined;

  const reloads = createConfigReloader({
    initial: config,
    load: (file) => loadConfigFile(file, options.env),
    apply(next) {
      services.catalog = next.catalog;
      breakerPolicy = breakerPolicyFor(next.catalog);
      if (next.logging.level !== logger.level) logger.level = next.logging.level;
    },
    audit: (actor, action, target, details) => access.store.audit({ at: services.now(), actor, action, target, details }),
    log: {
      info: (details, message) => logger.info(details, message),
      error: (details, message) => logger.error(details, message),
    },
  });
  const reload = (next?: JunctionConfig, actor?: string) => reloads.reload(next, actor);
  const sla = startSla({
    settings: config.sla,
    events,
    now: services.now,
    log: { warn: (details, message) => logger.warn(details, message), info: (details, message) => logger.info(details, message) },
    onAlert: (alert) => metrics.slaAlertFired(alert.metric, alert.severity),
    effects: {
      drain: (deployment) => services.drained.add(deployment),
      undrain: (deployment) => services.drained.delete(deployment),
      drained: () => services.drained,
      lowerWeight: (deployment, factor) => services.weightShifts.set(deployment, factor),
      restoreWeight: (deployment) => services.weightShifts.restore(deployment),
      routesWith: (deployment) =>
        [...services.catalog.routes.values()]
          .map((route) => ({ route: route.name, deployments: route.tiers.flatMap((tier) => tier.deployments) }))
          .filter((route) => route.deployments.includes(deployment)),
      async switchStrategy(route, strategy, actor) {
        const previous = services.catalog.routes.get(route)?.strategy ?? strategy;
        if (previous !== strategy) await reloads.reload(configureRoute(reloads.active, { route, strategy }), actor, 'routing.configure');
        return previous;
      },
      audit: (action, target, details) => void access.store.audit({ at: services.now(), actor: 'sla-monitor', action, target, details }).catch(() => undefined),
    },
  });
  metrics.watchSlaAlerts(() => sla.active());
  dashboard.useAlerts(() => sla.active());
  const sources = startSourceRouting(config, {
    now: services.now,
    metrics,
    log: (details, message) => logger.warn(details, message),
    audit: (entry) => void access.store.audit({ ...entry, at: services.now() }).catch(() => undefined),
  });

  const batch = config.batch.enabled
    ? startBatch(config.batch, {
        pipeline,
        events,
        history: hasLoadHistory(ledger) ? ledger : undefined,
        catalog: () => services.catalog,
        owners: { declared: access.declared, getKey: (id) => access.store.getKey(id), getTeam: (id) => access.store.getTeam(id) },
        now: services.now,
        onError: (error) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'batch runner'),
      })
    : undefined;

  let ready = false;
  let stopping = false;
  const app = buildServer({
    pipeline,
    operations,
    metrics,
    bodyLimitBytes: config.server.bodyLimitBytes,
    headersTimeoutMs: config.server.headersTimeoutMs,
    requestBodyTimeoutMs: config.server.requestBodyTimeoutMs,
    maxConnections: config.server.maxConnections,
    isReady: () => ready,
    isShuttingDown: () => stopping,
    access: access.control,
    admin,
    optimizer: { operations: optimizer, route: config.optimizer.route },
    reload: (actor) => reload(undefined, actor),
    cache: {
      stats: cacheStats,
      async clear(actor) {
        const cleared = await cache.clear();
        await access.store.audit({ at: services.now(), actor, action: 'cache.clear', target: 'cache', details: { cleared } });
        return { cleared };
      },
    },
    sla: () => sla.report(),
    sources: sources.operations,
    async configureRouting(change, actor) {
      // Checked before anything waits in the reload queue: a bad change is the caller's error at once.
      const next = configureRoute(reloads.active, change);
      const outcome = await reloads.reload(next, actor, 'routing.configure');
      if (!outcome.applied) throw new JunctionError('invalid_request', outcome.error);
      return outcome;
    },
    learning: withAdaptiveFeedback(createLearningOperations(autoRouting), adaptive),
    dashboard,
    ...(batch ? { batch: { runtime: batch, maxFileBytes: config.batch.maxFileBytes } } : {}),
  });
  // The first request should be counted, not refused for a connection still being made; a server that is away delays the start only briefly.
  if (access.limits.ready) await settledOrAfter(access.limits.ready, LIMIT_STORE_CONNECT_GRACE_MS);
  await cache.ready(LIMIT_STORE_CONNECT_GRACE_MS);
  /** Everything the gateway holds besides the server, released in order: monitors, then state, then the ledger. */
  const release = async () => {
    // Batch lines run through the pipeline: they finish (or stop) before the upstream client and the ledger close.
    await batch?.close();
    await services.client.close();
    await sla.close();
    sources.close();
    await tracing?.close();
    await access.close();
    autoRouting.close();
    await store.close();
    await cache.close();
    await ledger.close();
    await simulator?.close();
  };
  try {
    await app.listen({ host, port });
  } catch (error) {
    healthChecks?.stop();
    dashboard.close();
    await app.close();
    await release();
    throw asListenError(error, 'gateway', host, port) ?? error;
  }
  const address = app.server.address() as AddressInfo;
  ready = true;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      ready = false;
      stopping = true;
      healthChecks?.stop();
      dashboard.close();
      const grace = setTimeout(() => app.server.closeAllConnections(), config.server.shutdownGraceMs);
      try {
        await app.close();
      } finally {
        clearTimeout(grace);
      }
      await pipeline.drain();
      await release();
      logger.flush();
    })());

  return { url: `http://${formatAddress(address.address, address.port)}`, pipeline, operations, optimizer, services, ledger, access, autoRouting, adaptive, simulator, logger, reload, config: () => reloads.active, sla, dashboard, ...(tracing ? { tracing } : {}), ...(batch ? { batch } : {}), close };
}

/**
 * The gateway without its HTTP server, for `junction mcp` over stdio: the in-process router on
 * the config, its ledger (with spend reports) and, for the demo, the simulated upstreams.
 */
export async function startInProcessGateway(config: JunctionConfig): Promise<InProcessGateway> {
  const simulator = config.simulator ? await startConfiguredSimulator(config.simulator) : undefined;
  const ledger = createLedger(config.ledger);
  const router = createRouter(config, { ledger });
  return {
    router,
    spend: (query) => ledger.spend(query),
    async close() {
      await router.close();
      await ledger.close();
      await simulator?.close();
    },
  };
}

async function startConfiguredSimulator(settings: NonNullable<JunctionConfig['simulator']>): Promise<Simulator> {
  const { host, port, defaults, models } = settings;
  try {
    return await startSimulator({ host, port, defaults, models });
  } catch (error) {
    throw asListenError(error, 'simulator', host, port) ?? error;
  }
}

/**
 * Open access on an address others can reach must be asked for by name (`auth.openOnPublicAddress`):
 * a gateway that spends real money is not left open by a forgotten `host: 0.0.0.0`.
 */
function assertSafeExposure(config: JunctionConfig, host: string): void {
  if (config.auth.mode !== 'open' || config.auth.openOnPublicAddress || isLoopback(host)) return;
  throw new ConfigError([
    {
      file: '<config>',
      path: 'auth.mode',
      message: `refusing to listen on ${host} with open access: anyone who reaches it could spend without limit. Set auth.mode: keys, listen on a loopback address, or set auth.openOnPublicAddress: true to accept that.`,
    },
  ]);
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host.toLowerCase() === '::ffff:127.0.0.1';
}

function hasSpendReport(ledger: Ledger): ledger is Ledger & SpendReport {
  return typeof (ledger as Partial<SpendReport>).spend === 'function';
}

