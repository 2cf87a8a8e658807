/**
 * The one place Junction is wired: from a validated config, the state store, the ledger, the
 * pipeline and its stages, the operations layer, metrics, logs, the HTTP server and (when the
 * config asks) the simulated upstreams; and their shutdown in the right order (stop accepting,
 * finish in-flight requests, flush the ledger). A listener that cannot start (port taken,
 * unknown host) is a ListenError, thrown once whatever had started is stopped again, so the
 * process can exit cleanly.
 */
import type { AddressInfo } from 'node:net';
import type { JunctionConfig } from './config';
import { GatewayEvents } from './gateway/events';
import { startHealthChecks } from './gateway/health-checks';
import { Pipeline } from './gateway/pipeline';
import { announceBreakerChanges, createServices, type GatewayServices } from './gateway/services';
import { asListenError, formatAddress } from './http/listen-error';
import { buildServer } from './http/server';
import { createLedger } from './ledger';
import type { Ledger } from './ledger/types';
import { createLogger, logRequests, type Logger } from './observability/logger';
import { createMetrics } from './observability/metrics';
import { createOperations, type Operations } from './operations';
import { breakerPolicyFor } from './routing/breaker-policies';
import { startSimulator, type Simulator } from './simulator';
import { createStateStore } from './state/create-state-store';

export interface Junction {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  pipeline: Pipeline;
  operations: Operations;
  /** Catalog, live health (`services.store`), upstream client, events, clock. */
  services: GatewayServices;
  ledger: Ledger;
  simulator?: Simulator;
  logger: Logger;
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
}

export async function startJunction(config: JunctionConfig, options: StartOptions = {}): Promise<Junction> {
  const logger = options.logger ?? createLogger(config.logging.level);
  const simulator = config.simulator ? await startConfiguredSimulator(config.simulator) : undefined;
  const ledger =
    options.ledger ?? createLedger(config.ledger, (error) => logger.error({ err: error instanceof Error ? error.message : String(error) }, 'ledger write failed'));

  const events = new GatewayEvents();
  const store = createStateStore(config.state, {
    policy: breakerPolicyFor(config.catalog),
    onBreakerChange: announceBreakerChanges(events),
    onError: (error) => logger.warn({ err: error.message }, 'shared state unreachable; routing on this process’s own view'),
  });
  const services = createServices({ catalog: config.catalog, store, events, ...(options.random ? { random: options.random } : {}), ...(options.now ? { now: options.now } : {}) });
  const pipeline = new Pipeline(services, { requestTimeoutMs: config.server.requestTimeoutMs });
  const operations = createOperations(pipeline);

  // Account: the ledger, metrics and logs hear of every request through the pipeline's events.
  events.subscribe((event) => {
    if (event.type === 'request-end') ledger.record(event.entry);
  });
  const metrics = createMetrics(events, { isKnownRoute: (name) => config.catalog.routes.has(name) });
  logRequests(events, logger);
  const healthChecks = config.healthChecks.enabled ? startHealthChecks(services, config.healthChecks) : undefined;

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
  });
  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  try {
    await app.listen({ host, port });
  } catch (error) {
    healthChecks?.stop();
    await app.close();
    await services.client.close();
    await store.close();
    await ledger.close();
    await simulator?.close();
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
      const grace = setTimeout(() => app.server.closeAllConnections(), config.server.shutdownGraceMs);
      try {
        await app.close();
      } finally {
        clearTimeout(grace);
      }
      await pipeline.drain();
      await services.client.close();
      await store.close();
      await ledger.close();
      await simulator?.close();
      logger.flush();
    })());

  return { url: `http://${formatAddress(address.address, address.port)}`, pipeline, operations, services, ledger, simulator, logger, close };
}

async function startConfiguredSimulator(settings: NonNullable<JunctionConfig['simulator']>): Promise<Simulator> {
  const { host, port, defaults, models } = settings;
  try {
    return await startSimulator({ host, port, defaults, models });
  } catch (error) {
    throw asListenError(error, 'simulator', host, port) ?? error;
  }
}
