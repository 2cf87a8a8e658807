/**
 * A precise metronome for the open loop. Node's timers fire on a 1 ms clock, so a request due
 * every 0.5 ms would leave up to a millisecond late, and that lag would land in every latency.
 * A worker thread sleeps with Atomics.wait (sub-millisecond timeouts) and posts each tick; the
 * main thread wakes on the message at once. Busy-polling would be as precise but would burn
 * a core the servers under test need.
 */
import { Worker } from 'node:worker_threads';

export interface PacerOptions {
  /** Ticks per second. */
  rate: number;
  /** `performance.now()` of tick 0, in the calling thread's clock. */
  start: number;
  /** Number of ticks. */
  count: number;
}

// Plain JavaScript: the worker runs without the TypeScript loader. Times are converted to the
// epoch (timeOrigin + now) because each thread's performance.now() has its own origin.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { rate, startEpoch, count } = workerData;
const cell = new Int32Array(new SharedArrayBuffer(4));
const now = () => performance.timeOrigin + performance.now();
for (let index = 0; index < count; index++) {
  const due = startEpoch + (index * 1000) / rate;
  for (let wait = due - now(); wait > 0; wait = due - now()) Atomics.wait(cell, 0, 0, wait);
  parentPort.postMessage(index);
}
`;

/** Calls `onTick(index)` for each tick as soon as it is due; resolves after the last one. */
export function runPacer(options: PacerOptions, onTick: (index: number) => void): { done: Promise<void>; stop(): void } {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { rate: options.rate, startEpoch: performance.timeOrigin + options.start, count: options.count },
  });
  let received = 0;
  const done = new Promise<void>((resolve, reject) => {
    worker.on('message', (index: number) => {
      onTick(index);
      if (++received === options.count) void worker.terminate().then(() => resolve());
    });
    worker.once('error', reject);
    worker.once('exit', () => resolve());
  });
  return { done, stop: () => void worker.terminate() };
}
