/**
 * Alert delivery to a webhook: the caller hands over an event and moves on; deliveries run in
 * the background, are retried with backoff when the receiver is down or busy, and carry the
 * event's id as an idempotency key so a receiver can drop the repeats a retry may cause. The
 * same id handed over twice (two replicas' worth of threshold checks in one process, a check
 * that runs every few seconds) is sent once: ids being delivered or recently delivered are
 * remembered, up to a bound.
 *
 * Everything is bounded: the queue, the ids remembered, the attempts, each attempt's time and
 * the wait in `close()`. What cannot be delivered is reported through `onError`, never thrown.
 */
import { retryAfterMs } from '../providers/retry-after';
import { backoffDelay } from '../resilience/retry-budget';

/** One alert. */
export interface WebhookEvent {
  /** The de-duplication key, also sent as the idempotency key, e.g. `budget:key_1:2026-12-05:0.8`. */
  id: string;
  /** What happened, e.g. `budget.threshold`. */
  type: string;
  payload: object;
}

/**
 * Why an event was not delivered: `gave_up` after `maxAttempts` failures, `rejected` by a
 * status that retrying will not change (4xx other than 429, 3xx), `queue_full` when handed
 * over, `closed` by `close()` before it got through, `unserializable` when its payload is not JSON.
 */
export type WebhookFailureReason = 'gave_up' | 'rejected' | 'queue_full' | 'closed' | 'unserializable';

export interface WebhookFailure {
  event: WebhookEvent;
  reason: WebhookFailureReason;
  /** Requests made for it. */
  attempts: number;
  /** The last HTTP status answered, if any. */
  status?: number;
  /** The last network error, if any. */
  error?: unknown;
}

/** What `notify` did with an event: taken, or not taken and why. */
export type NotifyOutcome = 'queued' | 'duplicate' | 'queue_full' | 'closed' | 'unserializable';

/** The part of fetch the notifier uses. */
export type WebhookFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface WebhookNotifierOptions {
  url: string;
  /** Sent with every request (an Authorization header, say); the event headers take precedence. */
  headers?: Record<string, string>;
  /** The global fetch (undici's) by default. */
  fetch?: WebhookFetch;
  /** Requests per event, the first included (default 5). */
  maxAttempts?: number;
  /** Backoff before the first retry, doubling after each (full jitter; default 1,000 ms). */
  baseDelayMs?: number;
  /** Longest wait between attempts, Retry-After included (default 60,000 ms). */
  maxDelayMs?: number;
  /** Longest one request may take (default 10,000 ms). */
  attemptTimeoutMs?: number;
  /** Events waiting for a free delivery slot (default 1,000); beyond it, new events are dropped. */
  maxQueue?: number;
  /** Deliveries under way at once (default 2). */
  concurrency?: number;
  /** Delivered ids remembered to drop repeats (default 10,000). */
  recentIds?: number;
  /** Clock: stamps events and reads HTTP-date Retry-After headers. */
  now?: () => number;
  /** Random source for the backoff's jitter. */
  random?: () => number;
  /** Waits between attempts; must return (or reject) early when `signal` aborts, on close. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told of every event not delivered. Must not throw (if it does, the error is ignored). */
  onError: (failure: WebhookFailure) => void;
  /** Told of every event delivered, with the attempts it took. */
  onDelivered?: (event: WebhookEvent, attempts: number) => void;
}

export interface WebhookNotifier {
  /** Hands an event over and returns at once; delivery happens in the background. */
  notify(event: WebhookEvent): NotifyOutcome;
  /** Resolves when nothing is queued or being delivered. */
  idle(): Promise<void>;
  /**
   * Takes no more events and waits up to `timeoutMs` (default 5,000) for those under way; then
   * abandons the rest, reporting each as `closed`.
   */
  close(timeoutMs?: number): Promise<void>;
  stats(): { queued: number; delivering: number };
}

interface Job {
  event: WebhookEvent;
  body: string;
  attempts: number;
  /** Reported (delivered or failed) already: a late outcome after close() must not report again. */
  done: boolean;
}

/** setTimeout that resolves early, without throwing, when the signal aborts. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener('abort', finish, { once: true });
  });
}

export function createWebhookNotifier(options: WebhookNotifierOptions): WebhookNotifier {
  const send = options.fetch ?? ((url, init) => fetch(url, init));
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
  const maxQueue = options.maxQueue ?? 1_000;
  const concurrency = options.concurrency ?? 2;
  const recentIds = options.recentIds ?? 10_000;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? sleepUnlessAborted;
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) throw new RangeError(`maxAttempts must be a whole number ≥ 1, not ${maxAttempts}`);
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new RangeError(`concurrency must be a whole number ≥ 1, not ${concurrency}`);
  const baseHeaders = new Headers(options.headers);
  baseHeaders.set('content-type', 'application/json');

  const queued: Job[] = [];
  /** Jobs queued or being delivered, by event id: a repeat of one of these is dropped. */
  const active = new Map<string, Job>();
  /** Ids delivered, oldest first (a Set keeps insertion order). */
  const delivered = new Set<string>();
  const stop = new AbortController();
  let delivering = 0;
  let closed = false;
  let idleWaiters: Array<() => void> = [];

  function report(job: Job, failure: Omit<WebhookFailure, 'event' | 'attempts'>): void {
    if (job.done) return;
    job.done = true;
    forget(job);
    tell(() => options.onError({ event: job.event, attempts: job.attempts, ...failure }));
  }

  function succeed(job: Job): void {
    if (job.done) return;
    job.done = true;
    forget(job);
    delivered.add(job.event.id);
    if (delivered.size > recentIds) delivered.delete(delivered.values().next().value!);
    tell(() => options.onDelivered?.(job.event, job.attempts));
  }

  function forget(job: Job): void {
    if (active.get(job.event.id) === job) active.delete(job.event.id);
  }

  /** A throwing callback must not stop deliveries; there is nowhere better to report it. */
  function tell(callback: () => void): void {
    try {
      callback();
    } catch {
      // Ignored on purpose (see above).
    }
  }

  function pump(): void {
    while (delivering < concurrency && queued.length > 0) {
      const job = queued.shift()!;
      delivering += 1;
      void deliver(job).finally(() => {
        delivering -= 1;
        pump();
        if (delivering === 0 && queued.length === 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
      });
    }
  }

  async function deliver(job: Job): Promise<void> {
    for (;;) {
      if (stop.signal.aborted || job.done) return report(job, { reason: 'closed' });
      job.attempts += 1;
      const { status, error, retryAfter } = await attempt(job);
      if (status !== undefined && status >= 200 && status < 300) return succeed(job);
      if (stop.signal.aborted) return report(job, { reason: 'closed', status, error });
      if (status !== undefined && status !== 429 && status < 500) return report(job, { reason: 'rejected', status });
      if (job.attempts >= maxAttempts) return report(job, { reason: 'gave_up', status, error });
      const delay = Math.min(maxDelayMs, Math.max(retryAfter ?? 0, backoffDelay(job.attempts - 1, baseDelayMs, maxDelayMs, random)));
      // A sleep that rejects when aborted is as good as one that returns early: the loop checks.
      await sleep(delay, stop.signal).catch(() => undefined);
    }
  }

  /** One request: the status answered (and any Retry-After), or the error that stopped it. */
  async function attempt(job: Job): Promise<{ status?: number; error?: unknown; retryAfter?: number }> {
    const headers = new Headers(baseHeaders);
    headers.set('idempotency-key', job.event.id);
    headers.set('x-junction-event-id', job.event.id);
    headers.set('x-junction-event-type', job.event.type);
    headers.set('x-junction-delivery-attempt', String(job.attempts));
    // Its own controller rather than AbortSignal.any over the long-lived stop signal, which
    // keeps every signal made from it alive until it aborts (nodejs/node#55351).
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${attemptTimeoutMs} ms`)), attemptTimeoutMs);
    const onStop = () => controller.abort(stop.signal.reason);
    stop.signal.addEventListener('abort', onStop, { once: true });
    try {
      const response = await send(options.url, {
        method: 'POST',
        headers,
        body: job.body,
        // A redirect is the receiver's configuration problem; following it would turn the POST into a GET.
        redirect: 'manual',
        signal: controller.signal,
      });
      const retryAfter = retryAfterMs({ 'retry-after': response.headers.get('retry-after') ?? undefined, 'retry-after-ms': response.headers.get('retry-after-ms') ?? undefined }, now());
      // The body is not wanted; dropping it frees the connection.
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status, retryAfter };
    } catch (error) {
      return { error };
    } finally {
      clearTimeout(timer);
      stop.signal.removeEventListener('abort', onStop);
    }
  }

  function idle(): Promise<void> {
    if (delivering === 0 && queued.length === 0) return Promise.resolve();
    return new Promise((resolve) => idleWaiters.push(resolve));
  }

  return {
    notify: function notify(event) {
      if (closed) return 'closed';
      if (active.has(event.id) || delivered.has(event.id)) return 'duplicate';
      const job: Job = { event, body: '', attempts: 0, done: false };
      try {
        // Stamped and serialised once, so every retry sends the same bytes.
        job.body = JSON.stringify({ id: event.id, type: event.type, at: now(), payload: event.payload });
      } catch (thrown) {
        report(job, { reason: 'unserializable', error: thrown });
        return 'unserializable';
      }
      if (queued.length >= maxQueue) {
        report(job, { reason: 'queue_full' });
        return 'queue_full';
      }
      active.set(event.id, job);
      queued.push(job);
      pump();
      return 'queued';
    },

    idle,

    close: async function close(timeoutMs = 5_000) {
      closed = true;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const expired = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      });
      const timedOut = await Promise.race([idle().then(() => false), expired]);
      clearTimeout(timer);
      if (!timedOut) return;
      // Out of time: abandon what is left, and report it now rather than whenever each request unwinds.
      stop.abort();
      for (const job of queued.splice(0)) report(job, { reason: 'closed' });
      for (const job of [...active.values()]) report(job, { reason: 'closed' });
    },

    stats: function stats() {
      return { queued: queued.length, delivering };
    },
  };
}
