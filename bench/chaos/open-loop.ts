/**
 * An open-loop load generator: requests leave at evenly paced scheduled times whatever the
 * answers are doing, and each latency is measured from its scheduled time, so a stall shows up
 * as latency for every request it delayed (no coordinated omission).
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/** One request as the load generator saw it. Times are `performance.now()` milliseconds. */
export interface Shot {
  index: number;
  scheduledAt: number;
  endedAt: number;
  status: number;
  /** The x-junction-deployment header, when the answer had one. */
  deployment?: string;
  /** Transport failure (no HTTP answer), if any. */
  error?: string;
}

export interface OpenLoopOptions {
  /** Junction's base URL, e.g. http://127.0.0.1:4000. */
  url: string;
  route: string;
  ratePerSecond: number;
  durationMs: number;
  /** Streamed requests (latency is to the stream's end). */
  stream?: boolean;
  /** Give up on one request after this long; it counts as an error. */
  requestTimeoutMs: number;
  /** Called once at this offset from the start (e.g. to take an upstream down); returns nothing. */
  at?: { offsetMs: number; action: () => void };
}

export interface OpenLoopRun {
  startedAt: number;
  shots: Shot[];
  /** When `at.action` ran, if it did. */
  actionAt?: number;
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopRun> {
  const origin = new URL(options.url).origin;
  const pool = new Pool(origin, { connections: 1_024, pipelining: 1 });
  const body = JSON.stringify({ model: options.route, messages: [{ role: 'user', content: 'hello' }], ...(options.stream ? { stream: true } : {}) });
  const count = Math.floor((options.durationMs / 1000) * options.ratePerSecond);
  const intervalMs = 1000 / options.ratePerSecond;
  const startedAt = performance.now();
  const pending: Array<Promise<Shot>> = [];
  let actionAt: number | undefined;
  const actionTimer = options.at
    ? setTimeout(() => {
        actionAt = performance.now();
        options.at!.action();
      }, options.at.offsetMs)
    : undefined;

  try {
    for (let index = 0; index < count; index += 1) {
      const scheduledAt = startedAt + index * intervalMs;
      const wait = scheduledAt - performance.now();
      // Late timers fire everything that is due at once: the schedule, not the timer, decides.
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      pending.push(send(pool, body, index, scheduledAt, options.requestTimeoutMs));
    }
    return { startedAt, shots: await Promise.all(pending), ...(actionAt === undefined ? {} : { actionAt }) };
  } finally {
    clearTimeout(actionTimer);
    await pool.close();
  }
}

async function send(pool: Pool, body: string, index: number, scheduledAt: number, timeoutMs: number): Promise<Shot> {
  try {
    const response = await pool.request({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump();
    const deployment = response.headers['x-junction-deployment'];
    return {
      index,
      scheduledAt,
      endedAt: performance.now(),
      status: response.statusCode,
      ...(typeof deployment === 'string' ? { deployment } : {}),
    };
  } catch (error) {
    return { index, scheduledAt, endedAt: performance.now(), status: 0, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Latency of a shot from its scheduled time. */
export function latencyOf(shot: Shot): number {
  return shot.endedAt - shot.scheduledAt;
}
