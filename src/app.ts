/**
 * Assembles a running Junction from a validated config: simulated upstreams (when the config
 * asks), the ledger, the gateway, metrics, logs and the HTTP server; and takes it down again
 * in the right order (stop accepting, finish in-flight requests, flush the ledger). A listener
 * that cannot start (port taken, unknown host) is a ListenError, thrown once whatever had
 * started is stopped again, so the process can exit cleanly.
 */
import type { AddressInfo } from 'node:net';
import type { JunctionConfig } from './config';
import { Gateway } from './gateway/gateway';
import { startHealthChecks } from './gateway/health-checks';
import { asListenError, formatAddress } from './http/listen-error';
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
  const gateway = new Gateway({
    catalog: config.catalog,
    ledger,
    requestTimeoutMs: config.server.requestTimeoutMs,
    state: config.state,
    onStateError: (error) => logger.warn({ err: error.message }, 'shared state unreachable; routing on this process’s own view'),
    ...(options.random ? { random: options.random } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const metrics = createMetrics(gateway.events);
  const healthChecks = config.healthChecks.enabled ? startHealthChecks(gateway, config.healthChecks) : undefined;
  logRequests(gateway.events, logger);

  let ready = false;
  let stopping = false;
  const app = buildServer({
    gateway,
    metrics,
    bodyLimitBytes: config.server.bodyLimitBytes,
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
    await gateway.close();
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
      await gateway.close();
      await ledger.close();
      await simulator?.close();
      logger.flush();
    })());

  return { url: `http://${formatAddress(address.address, address.port)}`, gateway, ledger, simulator, logger, close };
}

async function startConfiguredSimulator(settings: NonNullable<JunctionConfig['simulator']>): Promise<Simulator> {
  const { host, port, defaults, models } = settings;
  try {
    return await startSimulator({ host, port, defaults, models });
  } catch (error) {
    throw asListenError(error, 'simulator', host, port) ?? error;
  }
}
