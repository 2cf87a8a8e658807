/**
 * Assembles a running Junction from a validated config: simulated upstreams (when the config
 * asks), the ledger, the gateway, metrics, logs and the HTTP server; and takes it down again
 * in the right order (stop accepting, finish in-flight requests, flush the ledger).
 */
import type { AddressInfo } from 'node:net';
import type { JunctionConfig } from './config';
import { Gateway } from './gateway/gateway';
import { startHealthChecks } from './gateway/health-checks';
import { buildServer } from './http/server';
import { createLedger } from './ledger';
import type { Ledger } from './ledger/types';
import { createLogger, logRequests, type Logger } from './observability/logger';
import { createMetrics } from './observability/metrics';
import { startSimulator, type Simulator } from './simulator';

export interface Junction {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  gateway: Gateway;
  ledger: Ledger;
  simulator?: Simulator;
  logger: Logger;
  /** Graceful stop: refuse new requests, wait for in-flight ones (up to the grace period), flush the ledger. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Override the config's listen port (0 = ephemeral, for tests). */
  port?: number;
  logger?: Logger;
  ledger?: Ledger;
  /** Injected randomness and clock for routing (deterministic tests). */
  random?: () => number;
  now?: () => number;
}

export async function startJunction(config: JunctionConfig, options: StartOptions = {}): Promise<Junction> {
  const logger = options.logger ?? createLogger(config.logging.level);
  const simulator = config.simulator
    ? await startSimulator({ host: config.simulator.host, port: config.simulator.port, defaults: config.simulator.defaults, models: config.simulator.models })
    : undefined;
  const ledger =
    options.ledger ?? createLedger(config.ledger, (error) => logger.error({ err: error instanceof Error ? error.message : String(error) }, 'ledger write failed'));
  const gateway = new Gateway({
    catalog: config.catalog,
    ledger,
    requestTimeoutMs: config.server.requestTimeoutMs,
    state: config.state,
    onStateError: (error) => logger.warn({ err: error.message }, 'shared state unreachable; routing on this process’s own view'),
    ...(options.random ? { random: options.random } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const metrics = createMetrics(gateway.events, { isKnownRoute: (name) => gateway.catalog.routes.has(name) });
  const healthChecks = config.healthChecks.enabled ? startHealthChecks(gateway, config.healthChecks) : undefined;
  logRequests(gateway.events, logger);

  let ready = false;
  let stopping = false;
  const app = buildServer({
    gateway,
    metrics,
    bodyLimitBytes: config.server.bodyLimitBytes,
    headersTimeoutMs: config.server.headersTimeoutMs,
    requestBodyTimeoutMs: config.server.requestBodyTimeoutMs,
    maxConnections: config.server.maxConnections,
    isReady: () => ready,
    isShuttingDown: () => stopping,
  });
  await app.listen({ host: config.server.host, port: options.port ?? config.server.port });
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
      await gateway.close();
      await ledger.close();
      await simulator?.close();
      logger.flush();
    })());

  return { url: `http://${address.address}:${address.port}`, gateway, ledger, simulator, logger, close };
}
