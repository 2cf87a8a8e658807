/**
 * Starts the SQLite ledger's worker thread and turns its messages into promises.
 */
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { inspect } from 'node:util';
import { reviveError, type LedgerWorkerData, type LedgerWorkerMessage, type LedgerWorkerReply, type LedgerWorkerRequest } from './worker-protocol';

/**
 * The worker is a plain `.mjs` file found beside this module, because that is the one form
 * that loads the same way everywhere:
 * - under tsx and vitest, `import.meta.url` is this source file, and Node runs the `.mjs`
 *   without any TypeScript loader (a `.ts` worker would need tsx inside the thread, which
 *   vitest does not provide);
 * - in an esbuild bundle, `import.meta.url` is the bundle, and esbuild leaves this `new URL`
 *   alone: the build must copy `ledger-worker.mjs` (and the `row-codec.mjs` it imports) next to
 *   the bundle's output file.
 * Serialising a function with `toString()` instead would break on helpers that transpilers
 * inject (`__name` from keepNames).
 */
const WORKER_FILE = new URL('./ledger-worker.mjs', import.meta.url);
/** The row encoding, which the worker imports from beside itself. */
const CODEC_FILE = new URL('./row-codec.mjs', import.meta.url);

/** The worker as the ledger sees it. */
export interface LedgerWorker {
  /** Sends one request; requests are handled in the order sent. Rejects with the worker's error, or if the thread dies. */
  request<T>(request: LedgerWorkerRequest, transfer?: ArrayBuffer[]): Promise<T>;
  /** Closes the database and lets the thread end; requests after it reject. */
  stop(): Promise<void>;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * Starts the thread at once, so that it opens the database while the process starts. If it
 * dies (an uncaught error, the file vanishing), the requests in flight reject, and the next
 * request starts a new thread: the ledger's buffer keeps the rows of a failed write and
 * retries them, and replacing rows by request id makes a retried write harmless.
 */
export function startLedgerWorker(data: LedgerWorkerData): LedgerWorker {
  for (const file of [WORKER_FILE, CODEC_FILE]) {
    if (!existsSync(file)) throw new Error(`the ledger worker's ${fileURLToPath(file)} is missing: a bundle must ship ledger-worker.mjs and row-codec.mjs beside it`);
  }
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  let worker: Worker | undefined = spawn();

  function spawn(): Worker {
    // The worker is plain JavaScript: inheriting `--import tsx` would only slow its start.
    const thread = new Worker(WORKER_FILE, { workerData: data, execArgv: [] });
    // An idle worker must not keep the process alive; it is ref'd while a reply is awaited,
    // so a shutdown that awaits `close()` is not cut short.
    thread.unref();
    let failure: Error | undefined;
    thread.on('message', (message: LedgerWorkerMessage) => {
      if ('fatal' in message) failure = reviveError(message.fatal);
      else settle(message);
    });
    thread.on('error', (error: unknown) => {
      // Errors thrown in a thread can arrive as plain objects.
      failure ??= error instanceof Error ? error : new Error(`the ledger worker failed: ${inspect(error)}`);
    });
    thread.on('exit', (code) => {
      if (worker === thread) worker = undefined;
      const error = failure ?? new Error(`the ledger worker exited with code ${code}`);
      for (const request of pending.values()) request.reject(error);
      pending.clear();
    });
    return thread;
  }

  function settle(reply: LedgerWorkerReply): void {
    const request = pending.get(reply.id);
    if (request === undefined) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker?.unref();
    if (reply.ok) request.resolve(reply.value);
    else request.reject(reviveError(reply.error));
  }

  function request<T>(message: LedgerWorkerRequest, transfer?: ArrayBuffer[]): Promise<T> {
    if (stopped) return Promise.reject(new Error('the ledger worker is stopped'));
    const thread = (worker ??= spawn());
    const id = nextId;
    nextId += 1;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (pending.size === 1) thread.ref();
      try {
        thread.postMessage({ id, ...message }, transfer);
      } catch (error) {
        // A value structured clone refuses; the caller keeps its rows.
        pending.delete(id);
        if (pending.size === 0) thread.unref();
        reject(error as Error);
      }
    });
  }

  async function stop(): Promise<void> {
    const thread = worker;
    if (thread === undefined) {
      stopped = true;
      return;
    }
    // `once` also settles on the thread's 'error' event; that failure reaches the request below.
    const exited = once(thread, 'exit').catch(() => undefined);
    try {
      await request({ op: 'close' });
    } catch (error) {
      await thread.terminate();
      throw error;
    } finally {
      stopped = true;
    }
    // The thread ends on its own once it has closed its port. Held ref'd until then, or a
    // process with nothing else to do would end first and leave `close()` never settled.
    thread.ref();
    await exited;
  }

  return {
    request,
    stop(): Promise<void> {
      stopping ??= stop();
      return stopping;
    },
  };
}
