/**
 * A write-behind buffer: callers push items and return at once; batches are written off the
 * request path, on a timer and whenever a full batch is waiting. A failed write puts its batch
 * back at the front, so nothing is lost silently: the next tick retries and `onError` hears of it.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

export interface WriteBufferOptions<T> {
  /** Writes one batch atomically: either all of it lands or it throws and none of it does. */
  write: (batch: T[]) => void | Promise<void>;
  /** Items per write; also the backlog that triggers a write before the timer fires. */
  batchSize: number;
  flushIntervalMs: number;
  /**
   * While writes fail, how often the timer retries (rounded to whole ticks). A store that is
   * down must not be retried, nor `onError` told, at a short hand-over interval's rate; an
   * explicit `flush` still tries at once. Defaults to `flushIntervalMs`.
   */
  retryIntervalMs?: number;
  /**
   * Upper bound on buffered items. While the store is down the buffer would otherwise grow
   * until the process dies and loses everything; past this bound the oldest items are dropped
   * and the drop is reported through `onError`.
   */
  maxBuffered: number;
  /** Hears of failed background writes and dropped items. */
  onError: (error: unknown) => void;
}

export interface WriteBuffer<T> {
  /** Buffers one item; never writes inline. */
  push(item: T): void;
  /** Writes everything buffered when it was called; rejects (keeping the items) if a write fails. */
  flush(): Promise<void>;
  /** Stops the timer and makes a last flush; rejects naming how many items were left unwritten. */
  close(): Promise<void>;
  /** Items waiting to be written. */
  readonly size: number;
}

/** Raised through `onError` when the buffer overflowed and dropped its oldest items. */
export class WriteBufferOverflowError extends Error {
  readonly dropped: number;

  constructor(dropped: number, maxBuffered: number) {
    super(`write buffer full (${maxBuffered} items): dropped the ${dropped} oldest`);
    this.name = 'WriteBufferOverflowError';
    this.dropped = dropped;
  }
}

export function createWriteBuffer<T>(options: WriteBufferOptions<T>): WriteBuffer<T> {
  const { write, batchSize, flushIntervalMs, maxBuffered, onError } = options;
  const retryTicks = Math.max(1, Math.round((options.retryIntervalMs ?? flushIntervalMs) / flushIntervalMs));
  assertPositiveInteger('batchSize', batchSize);
  assertPositiveInteger('maxBuffered', maxBuffered);
  if (!(flushIntervalMs > 0)) throw new RangeError(`flushIntervalMs must be positive, got ${flushIntervalMs}`);
  if (options.retryIntervalMs !== undefined && !(options.retryIntervalMs > 0)) {
    throw new RangeError(`retryIntervalMs must be positive, got ${options.retryIntervalMs}`);
  }

  let buffer: T[] = [];
  let dropped = 0;
  // Flushes run one after another so an async `write` never sees two batches at once.
  let queue: Promise<void> = Promise.resolve();
  let draining = false;
  // After a failure, leave retries to the timer rather than retrying on every push.
  let failing = false;
  let ticksSinceFailure = 0;
  let immediate: NodeJS.Immediate | undefined;

  const timer = setInterval(function flushOnTick() {
    if (draining) return;
    if (failing) {
      ticksSinceFailure += 1;
      if (ticksSinceFailure < retryTicks) return reportDropped();
    }
    backgroundFlush();
  }, flushIntervalMs);
  // A pending ledger write must not keep the process alive; shutdown calls close().
  timer.unref();

  function backgroundFlush(): void {
    reportDropped();
    if (buffer.length === 0) return;
    flush().catch(onError);
  }

  function reportDropped(): void {
    if (dropped === 0) return;
    const error = new WriteBufferOverflowError(dropped, maxBuffered);
    dropped = 0;
    onError(error);
  }

  /** Writes batches until the items present at the start are written; throws on the first failure. */
  async function drain(): Promise<void> {
    draining = true;
    try {
      let remaining = buffer.length;
      while (remaining > 0 && buffer.length > 0) {
        const batch = buffer.splice(0, batchSize);
        try {
          await write(batch);
        } catch (error) {
          buffer = batch.concat(buffer);
          failing = true;
          ticksSinceFailure = 0;
          throw error;
        }
        failing = false;
        remaining -= batch.length;
        // Give requests a turn between batches: a long backlog must not stall the event loop.
        if (remaining > 0 && buffer.length > 0) await yieldToEventLoop();
      }
    } finally {
      draining = false;
    }
  }

  function flush(): Promise<void> {
    const run = queue.then(drain);
    queue = run.catch(() => undefined);
    return run;
  }

  let closing: Promise<void> | undefined;

  return {
    push(item: T): void {
      buffer.push(item);
      if (buffer.length > maxBuffered) {
        const excess = buffer.length - maxBuffered;
        buffer.splice(0, excess);
        dropped += excess;
      }
      if (buffer.length >= batchSize && immediate === undefined && !failing && closing === undefined) {
        immediate = setImmediate(function flushFullBatch() {
          immediate = undefined;
          backgroundFlush();
        });
      }
    },
    flush,
    close(): Promise<void> {
      closing ??= (async () => {
        clearInterval(timer);
        if (immediate !== undefined) clearImmediate(immediate);
        immediate = undefined;
        reportDropped();
        try {
          await flush();
        } catch (error) {
          throw new Error(`closed with ${buffer.length} items unwritten`, { cause: error });
        }
      })();
      return closing;
    },
    get size(): number {
      return buffer.length;
    },
  };
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}
