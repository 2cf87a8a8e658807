import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { existsSync, watchFile } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startJunction, type StartOptions } from '../app';
import { accessStorePath } from '../access/start-access';
import type { Junction } from '../app';
import { ConfigError, loadConfigFile } from '../config';
import type { JunctionConfig } from '../config';
import { ListenError } from '../http/listen-error';
import { describeListenFailure } from './listen-failure';
import { bannerLines } from './serve-banner';
import { workerLedgerPath } from './worker-ledger-path';

export { workerLedgerPath };
import type { CliIo } from './main';

/** The bundled demo config, found relative to this file so it works from any directory. */
export const DEMO_CONFIG = fileURLToPath(new URL('../../examples/demo/junction.yaml', import.meta.url));

export interface ServeArgs {
  file?: string;
  demo: boolean;
  port?: number;
  /** Overrides `server.host`: the address to listen on (0.0.0.0 for every IPv4 interface). */
  host?: string;
  /** With more than 1, a node:cluster primary runs this many worker processes on one port. */
  workers?: number;
  /** Reload the config when its file changes (as on SIGHUP). */
  watch?: boolean;
}

/** Messages between the cluster primary and its workers. */
type WorkerMessage = { type: 'junction:ready'; url: string } | { type: 'junction:stop' } | { type: 'junction:reload' } | { type: 'junction:failed'; line: string };

export async function serveCommand(args: ServeArgs, io: CliIo): Promise<number> {
  const file = args.demo ? DEMO_CONFIG : (args.file ?? 'junction.yaml');
  if (!existsSync(file)) {
    io.err(`junction serve: config file not found: ${file} (try 'junction serve --demo')`);
    return 2;
  }
  let config;
  try {
    config = loadConfigFile(file);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
  if (cluster.isWorker) return serveWorker(config, file, args, io);
  const workers = args.workers ?? 1;
  if (workers > 1) {
    if (config.simulator) {
      // Each worker would start its own simulator, and its control API would reach only one of them.
      io.err(`junction serve: --workers cannot run a config that starts simulated upstreams; run 'junction simulate' on its own`);
      return 2;
    }
    return servePrimary(config, file, workers, io, args.watch ?? false);
  }

  const started = await start(config, args, file);
  if (typeof started === 'string') {
    io.err(started);
    return 2;
  }
  printBanner(io, config, file, started.url, started.simulator?.url);
  return untilStopped(started, io, false, args.watch ? file : undefined);
}

/** Starts Junction, or says in one line why it could not listen (a port in use, an unknown host). */
async function start(config: JunctionConfig, args: ServeArgs, file: string, options: Pick<StartOptions, 'accessStorePath'> = {}): Promise<Junction | string> {
  try {
    return await startJunction(config, { port: args.port, host: args.host, ...options });
  } catch (error) {
    if (error instanceof ConfigError) return `junction serve: ${error.issues.map((issue) => `${file}: ${issue.path}: ${issue.message}`).join('\n')}`;
    if (!(error instanceof ListenError)) throw error;
    const settings =
      error.listener === 'gateway'
        ? { port: `--port or server.port in ${file}`, host: `--host or server.host in ${file}` }
        : { port: `simulator.port in ${file} (and the baseUrl of the providers that use it)`, host: `simulator.host in ${file}` };
    return describeListenFailure('serve', error, settings);
  }
}

function printBanner(io: CliIo, config: JunctionConfig, file: string, url: string, simulatorUrl?: string, workers?: number): void {
  for (const line of bannerLines({ config, file, url, ...(simulatorUrl ? { simulatorUrl } : {}), ...(workers ? { workers } : {}) })) io.out(line);
}

/**
 * Serves until SIGTERM/SIGINT (or, in a worker, the primary's stop message), then stops
 * gracefully. A second signal exits at once; a repeated stop message is not a second signal,
 * since a terminal's Ctrl-C reaches the workers and the primary alike.
 */
function untilStopped(junction: Junction, io: CliIo, worker: boolean, watched?: string): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (reason: string, forced: boolean) => {
      if (stopping) {
        if (!forced) return;
        io.err(`junction: ${reason} again, exiting now`);
        process.exit(1);
      }
      stopping = true;
      if (!worker) io.out(`junction: ${reason} received, finishing in-flight requests`);
      junction.close().then(
        () => resolve(0),
        (error) => {
          io.err(`junction: shutdown failed: ${(error as Error).message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM', true));
    process.on('SIGINT', () => stop('SIGINT', true));
    const reload = (cause: string) => {
      if (stopping) return;
      void junction.reload(undefined, cause).then((outcome) => {
        if (!worker) io.out(outcome.applied ? `junction: ${cause}: config reloaded` : `junction: ${cause}: config not reloaded, the running one stays: ${outcome.error}`);
      });
    };
    if (!worker) process.on('SIGHUP', () => reload('SIGHUP'));
    if (watched !== undefined) watchConfig(watched, () => reload('config file changed'));
    if (worker) {
      process.on('message', (message: WorkerMessage) => {
        if (message.type === 'junction:stop') stop('stop', false);
        if (message.type === 'junction:reload') reload('reload');
      });
    }
  });
}

/** Calls `onChange` when the config file changes (polled: editors that replace the file are seen too). */
function watchConfig(file: string, onChange: () => void): void {
  watchFile(file, { interval: 500, persistent: false }, (current, previous) => {
    if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size) onChange();
  });
}

async function serveWorker(config: JunctionConfig, file: string, args: ServeArgs, io: CliIo): Promise<number> {
  const index = Number(process.env.JUNCTION_WORKER_INDEX ?? cluster.worker?.id ?? 1);
  const shared = config.ledger;
  const ledger = shared.kind === 'sqlite' ? { ...shared, path: workerLedgerPath(shared.path, index) } : shared;
  // Every worker listens on the same address (it re-ran the primary's command line, --port
  // and --host included); node:cluster hands the connections out. Keys are one store for all
  // of them: a key created or revoked through any worker holds on every one.
  const junction = await start({ ...config, ledger }, args, file, shared.kind === 'sqlite' ? { accessStorePath: accessStorePath(shared.path) } : {});
  if (typeof junction === 'string') {
    // The primary prints it once, rather than once per worker.
    process.send?.({ type: 'junction:failed', line: junction } satisfies WorkerMessage);
    cluster.worker?.disconnect();
    return 2;
  }
  process.send?.({ type: 'junction:ready', url: junction.url } satisfies WorkerMessage);
  const code = await untilStopped(junction, io, true);
  // The IPC channel to the primary would keep this process alive.
  cluster.worker?.disconnect();
  return code;
}

/**
 * The cluster primary: forks the workers, prints the banner once all listen, replaces a worker
 * that dies while serving, and on SIGTERM/SIGINT asks each to stop gracefully and exits 0 when
 * all of them did. Routing state (health, breakers, rate buckets) is per worker.
 */
function servePrimary(config: JunctionConfig, file: string, count: number, io: CliIo, watch: boolean): Promise<number> {
  // Workers re-run this command line (cluster.fork). They share one listening socket through
  // the primary, so even port 0 gives all of them the same ephemeral port.
  return new Promise((resolve) => {
    const live = new Map<number, Worker>();
    const ready = new Set<number>();
    let url: string | undefined;
    let stopping = false;
    let failed = false;
    /** The first worker's reason it could not listen; every worker would give the same one. */
    let startFailure: string | undefined;
    let forceTimer: NodeJS.Timeout | undefined;

    const fork = (index: number) => {
      const worker = cluster.fork({ JUNCTION_WORKER_INDEX: String(index) });
      live.set(index, worker);
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'junction:failed') {
          if (startFailure === undefined) io.err(message.line);
          startFailure ??= message.line;
          if (!stopping) stopAll('start-up failure', true, true);
          return;
        }
        if (message.type !== 'junction:ready') return;
        ready.add(index);
        if (url === undefined) url = message.url;
        if (ready.size === count && !stopping) printBanner(io, config, file, url, undefined, count);
        if (stopping) worker.send({ type: 'junction:stop' } satisfies WorkerMessage);
      });
      worker.on('exit', (code, signal) => {
        live.delete(index);
        const wasReady = ready.delete(index);
        if (stopping) {
          if (code !== 0) failed = true;
          if (live.size === 0) {
            clearTimeout(forceTimer);
            resolve(exitCode());
          }
          return;
        }
        io.err(`junction: worker ${index} exited (${signal ?? `code ${code}`})${wasReady ? ', starting a new one' : ' before it was ready'}`);
        if (wasReady) fork(index);
        else stopAll('worker failure', true);
      });
    };

    // A listener that could not start is the person's to fix (2), like a usage error.
    const exitCode = () => (startFailure !== undefined ? 2 : failed ? 1 : 0);

    const stopAll = (reason: string, failure: boolean, quiet = false) => {
      if (stopping) {
        io.err(`junction: ${reason} again, exiting now`);
        for (const worker of live.values()) worker.process.kill('SIGKILL');
        process.exit(1);
      }
      stopping = true;
      failed = failure;
      if (!quiet) io.out(`junction: ${reason}, stopping ${live.size} workers`);
      for (const worker of live.values()) if (worker.isConnected()) worker.send({ type: 'junction:stop' } satisfies WorkerMessage);
      // A worker that cannot finish within the grace period (plus the ledger flush) is killed.
      forceTimer = setTimeout(() => {
        for (const worker of live.values()) worker.process.kill('SIGKILL');
      }, config.server.shutdownGraceMs + 10_000);
      forceTimer.unref();
      if (live.size === 0) resolve(startFailure !== undefined ? 2 : 1);
    };

    process.on('SIGTERM', () => stopAll('SIGTERM received', false));
    process.on('SIGINT', () => stopAll('SIGINT received', false));
    // Each worker reloads its own config from the file; the primary holds no routing state.
    const reloadAll = (cause: string) => {
      if (stopping) return;
      io.out(`junction: ${cause}: reloading ${live.size} workers`);
      for (const worker of live.values()) if (worker.isConnected()) worker.send({ type: 'junction:reload' } satisfies WorkerMessage);
    };
    process.on('SIGHUP', () => reloadAll('SIGHUP'));
    if (watch) watchConfig(file, () => reloadAll('config file changed'));
    for (let index = 1; index <= count; index++) fork(index);
  });
}
