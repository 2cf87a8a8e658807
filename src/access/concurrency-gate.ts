/**
 * A concurrency limit for one route or deployment, in this process: up to `limit` requests in
 * flight; the rest wait in a bounded queue ordered by priority and fair between keys (see
 * priority-queue.ts), each until its deadline. What cannot be let in gets a coded error at once
 * or when its deadline passes: `queue_full` (429) or `queue_timeout` (503), never a hang.
 *
 * The fast path (a slot is free and nobody waits) hands the slot back synchronously: no promise,
 * no timer, no allocation beyond the slot itself.
 */
import { JunctionError } from '../errors';
import { FairPriorityQueue, type QueueEntry } from './priority-queue';

/** A slot in flight; `release` it when the request ends, however it ends. */
export interface GateSlot {
  /** Frees the slot, handing it straight to the next waiter if any. Calling it again does nothing. */
  release(): void;
}

export interface AcquireRequest {
  /** Who asks (a key id): waiters are served round robin between callers of the same priority. */
  caller: string;
  /** Higher is let in first: premium 2, standard 1, free 0. */
  priority: number;
  /** The instant (on the gate's clock) after which waiting is pointless; Infinity waits for ever. */
  deadline: number;
  /** The caller left: stop waiting, and reject with the signal's reason. */
  signal?: AbortSignal;
}

/** Starts a timer; returns what cancels it. */
export type SetTimer = (callback: () => void, ms: number) => () => void;

export interface ConcurrencyGateOptions {
  /** Requests in flight at once (≥ 1). */
  limit: number;
  /** Requests that may wait for a slot (≥ 0); 0 refuses at once when saturated. */
  maxQueue: number;
  /** Named in error messages (a route or deployment id). */
  name?: string;
  /** Clock for deadlines (Unix milliseconds by default). */
  now?: () => number;
  /** Timer for deadlines (setTimeout by default). */
  setTimer?: SetTimer;
}

export interface GateStats {
  limit: number;
  maxQueue: number;
  inFlight: number;
  waiting: number;
  /** Waiters per priority, highest first; priorities with none are left out. */
  waitingByPriority: Array<{ priority: number; waiting: number }>;
}

export interface ConcurrencyGate {
  /**
   * A slot, synchronously when one is free and nobody waits; otherwise a promise of one that
   * rejects with `queue_full`, `queue_timeout` or the signal's reason. Once a slot is granted,
   * releasing it is the caller's job, even if its signal aborts afterwards.
   */
  acquire(request: AcquireRequest): GateSlot | Promise<GateSlot>;
  stats(): GateStats;
}

interface Waiter {
  resolve: (slot: GateSlot) => void;
  reject: (reason: unknown) => void;
  cancelTimer?: () => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** setTimeout's longest delay; longer ones would fire at once, so they are chained. */
const LONGEST_TIMEOUT_MS = 2_147_483_647;

/** The default timer: setTimeout, chained for delays longer than it can hold. */
export function setChainedTimeout(callback: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const arm = (left: number) => {
    timer = left > LONGEST_TIMEOUT_MS ? setTimeout(() => arm(left - LONGEST_TIMEOUT_MS), LONGEST_TIMEOUT_MS) : setTimeout(callback, left);
  };
  arm(ms);
  return function cancelTimer() {
    clearTimeout(timer);
  };
}

export function createConcurrencyGate(options: ConcurrencyGateOptions): ConcurrencyGate {
  const { limit, maxQueue } = options;
  if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`a concurrency limit must be a whole number ≥ 1, not ${limit}`);
  if (!(Number.isInteger(maxQueue) && maxQueue >= 0)) throw new RangeError(`a queue bound must be a whole number ≥ 0, not ${maxQueue}`);
  const now = options.now ?? Date.now;
  const startTimer = options.setTimer ?? setChainedTimeout;
  const name = options.name === undefined ? 'this route' : `'${options.name}'`;
  const queue = new FairPriorityQueue<Waiter>(maxQueue);
  let inFlight = 0;

  function grant(): GateSlot {
    let held = true;
    return {
      release: function release() {
        if (!held) return;
        held = false;
        handOn();
      },
    };
  }

  /** A freed slot goes to the next waiter directly, so a newcomer cannot take it ahead of the queue. */
  function handOn(): void {
    const entry = queue.shift();
    if (entry === undefined) {
      inFlight -= 1;
      return;
    }
    stopWatching(entry.value);
    entry.value.resolve(grant());
  }

  function stopWatching(waiter: Waiter): void {
    waiter.cancelTimer?.();
    if (waiter.onAbort !== undefined) waiter.signal!.removeEventListener('abort', waiter.onAbort);
  }

  /** Takes a waiter out (unless it was granted or taken out already) and rejects it. */
  function drop(entry: QueueEntry<Waiter>, reason: () => unknown): void {
    if (!queue.remove(entry)) return;
    stopWatching(entry.value);
    entry.value.reject(reason());
  }

  function full(): JunctionError {
    return new JunctionError('queue_full', `${name} is at its concurrency limit of ${limit} and its queue of ${maxQueue} waiting requests is full`);
  }

  function displaced(): JunctionError {
    return new JunctionError('queue_full', `${name} is at its concurrency limit of ${limit}, and a higher-priority request took this one's place in its full queue`);
  }

  function timedOut(waitedMs: number): JunctionError {
    const waited = waitedMs > 0 ? `no slot came free in the ${Math.round(waitedMs)} ms before the request's deadline` : "the request's deadline has passed";
    return new JunctionError('queue_timeout', `${name} is at its concurrency limit of ${limit}, and ${waited}`);
  }

  function wait(request: AcquireRequest, waitMs: number): Promise<GateSlot> {
    return new Promise<GateSlot>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      const pushed = queue.push(request.caller, request.priority, waiter);
      if (pushed === undefined) return reject(full());
      if (pushed.evicted !== undefined) {
        stopWatching(pushed.evicted.value);
        pushed.evicted.value.reject(displaced());
      }
      const entry = pushed.entry;
      if (waitMs !== Number.POSITIVE_INFINITY) waiter.cancelTimer = startTimer(() => drop(entry, () => timedOut(waitMs)), waitMs);
      const signal = request.signal;
      if (signal !== undefined) {
        waiter.signal = signal;
        waiter.onAbort = () => drop(entry, () => signal.reason);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
    });
  }

  return {
    acquire: function acquire(request) {
      if (request.signal?.aborted) return Promise.reject(request.signal.reason);
      if (inFlight < limit && queue.size === 0) {
        inFlight += 1;
        return grant();
      }
      const waitMs = request.deadline - now();
      // Not `<= 0`: a NaN deadline must not wait for ever either.
      if (!(waitMs > 0)) return Promise.reject(timedOut(0));
      return wait(request, waitMs);
    },

    stats: function stats() {
      return { limit, maxQueue, inFlight, waiting: queue.size, waitingByPriority: queue.sizes() };
    },
  };
}
