/**
 * The load generator, run as its own process so its CPU is not the server's: undici's Pool with
 * pipelining 1 and the raw dispatch handler (no body streams, no promises per chunk), because
 * the client must cost less than the cheapest server it measures.
 *
 * Closed loop: N connections, each sending its next request as soon as the last one ends.
 * Open loop: one request every 1/rate s on a precise timer (pacer.ts), whatever the server does; latency counts
 * from the *scheduled* send time, so a server that falls behind shows its queue in the figures
 * instead of silently slowing the generator down (coordinated omission).
 *
 * As a child: `node --import tsx bench/load.ts '<LoadSpec JSON>'`; the result goes back over
 * IPC (or stdout when run by hand), progress reports too when asked for.
 */
import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { runPacer } from './pacer';
import { SampleBuffer } from './stats';
import type { Summary } from './stats';

/** One kind of request the generator sends; several make a mix (soak). */
export interface RequestKind {
  name: string;
  path: string;
  body: string;
  /** SSE: also record time to the first body byte. */
  stream: boolean;
  /** Sent with every request of this kind, besides content-type and accept (e.g. `authorization`). */
  headers?: Record<string, string>;
  /** Share of the mix, as a small integer (default 1). */
  weight?: number;
}

export interface LoadSpec {
  /** Origin only, e.g. http://127.0.0.1:4000 */
  origin: string;
  requests: RequestKind[];
  mode: 'closed' | 'open';
  /** Closed loop: the number of concurrent requests. Open loop: the pool's connection limit. */
  connections: number;
  /** Open loop only: requests per second. */
  rate?: number;
  warmupS: number;
  durationS: number;
  /** How long in-flight requests may take to finish once sending stops; the rest count as `unfinished`. */
  drainS?: number;
  /** Send `{ type: 'progress' }` messages this often (soak). */
  progressEveryS?: number;
}

export interface LoadResult {
  mode: 'closed' | 'open';
  rate?: number;
  connections: number;
  durationS: number;
  /** Requests whose (scheduled) send time fell in the measured window. */
  sent: number;
  /** Responses that ended in the window, per second: what the server delivered. */
  rps: number;
  /** 2xx responses among `sent`. */
  ok: number;
  /** Everything else among `sent`, by status (`status_503`) or error code (`ECONNRESET`, `unfinished`). */
  errors: Record<string, number>;
  /** Per request kind: outcome → count, for judging which errors were expected. */
  outcomes: Record<string, Record<string, number>>;
  latency: Summary;
  /** Streams only: scheduled send → first body byte. */
  ttfb?: Summary;
  /** Open loop only: how late the timer actually sent (the generator's own pacing error). */
  sendLag?: Summary;
  /** The generator's own CPU over the window, % of one core. */
  clientCpuPercent: number;
  /** The first few transport errors in full (when, which kind, what undici said), for diagnosis. */
  errorDetails: ErrorDetail[];
}

/** One transport error as the generator saw it; `atS` counts from the start of the measured window. */
export interface ErrorDetail {
  atS: number;
  kind: string;
  code: string;
  message: string;
  /** Whether any body byte had arrived before the error. */
  afterFirstByte: boolean;
}

const ERROR_DETAILS_KEPT = 50;

/** A progress report (soak): cumulative counts since the start of the measured window. */
export interface LoadProgress {
  type: 'progress';
  elapsedS: number;
  completed: number;
  errors: Record<string, number>;
}

/** Sent when the measured window opens and closes, so the parent samples the servers over exactly that span. */
export interface WindowMark {
  type: 'window';
  phase: 'start' | 'end';
}

export type LoadMessage = LoadProgress | WindowMark;

/** Kinds repeated by weight, so the mix is an exact, deterministic cycle rather than a random draw. */
export function buildCycle(requests: readonly RequestKind[]): RequestKind[] {
  const cycle: RequestKind[] = [];
  for (const kind of requests) for (let copy = 0; copy < Math.max(1, Math.round(kind.weight ?? 1)); copy++) cycle.push(kind);
  if (cycle.length === 0) throw new Error('load: at least one request kind is needed');
  return cycle;
}

/** The send time of the `index`-th request of an open loop started at `start` (ms). */
export function scheduledAt(start: number, index: number, rate: number): number {
  return start + (index * 1000) / rate;
}

interface Prepared {
  kind: RequestKind;
  options: Dispatcher.DispatchOptions;
}

export async function runLoad(spec: LoadSpec, report: (message: LoadMessage) => void = () => {}): Promise<LoadResult> {
  const pool = new Pool(spec.origin, { connections: spec.connections, pipelining: 1, headersTimeout: 30_000, bodyTimeout: 30_000, keepAliveTimeout: 30_000 });
  const cycle = buildCycle(spec.requests).map((kind): Prepared => ({
    kind,
    options: { method: 'POST', path: kind.path, headers: { 'content-type': 'application/json', accept: kind.stream ? 'text/event-stream' : 'application/json', ...kind.headers }, body: Buffer.from(kind.body) },
  }));
  const latency = new SampleBuffer();
  const ttfb = new SampleBuffer();
  const sendLag = new SampleBuffer();
  const errors: Record<string, number> = {};
  const errorDetails: ErrorDetail[] = [];
  const outcomes: Record<string, Record<string, number>> = Object.fromEntries(spec.requests.map((kind) => [kind.name, {}]));
  const streaming = spec.requests.some((kind) => kind.stream);

  const t0 = performance.now();
  const windowStart = t0 + spec.warmupS * 1000;
  const windowEnd = windowStart + spec.durationS * 1000;
  let sent = 0;
  let ok = 0;
  let completedInWindow = 0;
  let inFlight = 0;
  let counter = 0;
  let stopping = false;
  let onIdle: (() => void) | undefined;

  const count = (table: Record<string, number>, key: string) => {
    table[key] = (table[key] ?? 0) + 1;
  };

  /** Sends one request, timed from `scheduled`; calls `then` when it is over, whatever the outcome. */
  function send(scheduled: number, then?: () => void): void {
    const prepared = cycle[counter++ % cycle.length];
    const measured = scheduled >= windowStart && scheduled < windowEnd;
    if (measured) sent++;
    inFlight++;
    let status = 0;
    let firstByte = 0;
    let over = false;
    const finish = (outcome: string) => {
      if (over) return;
      over = true;
      inFlight--;
      const now = performance.now();
      if (now >= windowStart && now < windowEnd) completedInWindow++;
      if (measured) {
        count(outcomes[prepared.kind.name], outcome);
        if (outcome === 'ok') {
          ok++;
          latency.add(now - scheduled);
          if (prepared.kind.stream && firstByte > 0) ttfb.add(firstByte - scheduled);
        } else count(errors, outcome);
      }
      if (then !== undefined && !stopping) then();
      else if (stopping && inFlight === 0) onIdle?.();
    };
    // The raw callbacks (deprecated in undici 7 in favour of onResponse*, which parse every
    // header into an object first): the generator needs only the status and the timing.
    pool.dispatch(prepared.options, {
      onConnect() {},
      onHeaders(statusCode) {
        status = statusCode;
        return true;
      },
      onData() {
        if (firstByte === 0) firstByte = performance.now();
        return true;
      },
      onComplete() {
        finish(status >= 200 && status < 300 ? 'ok' : `status_${status}`);
      },
      onError(error) {
        const code = (error as { code?: string }).code ?? error.name;
        if (errorDetails.length < ERROR_DETAILS_KEPT) {
          const atS = Number(((performance.now() - windowStart) / 1000).toFixed(3));
          errorDetails.push({ atS, kind: prepared.kind.name, code, message: error.message, afterFirstByte: firstByte > 0 });
        }
        finish(code);
      },
    });
  }

  const timers: NodeJS.Timeout[] = [];
  let stopPacer = () => {};
  let cpuAtStart = process.cpuUsage();
  timers.push(
    setTimeout(() => {
      cpuAtStart = process.cpuUsage();
      report({ type: 'window', phase: 'start' });
    }, windowStart - performance.now()),
  );
  if (spec.progressEveryS !== undefined && spec.progressEveryS > 0) {
    const every = spec.progressEveryS * 1000;
    timers.push(
      setInterval(() => {
        const elapsedS = (performance.now() - windowStart) / 1000;
        if (elapsedS > 0) report({ type: 'progress', elapsedS, completed: ok, errors: { ...errors } });
      }, every),
    );
  }

  if (spec.mode === 'closed') {
    const loop = () => send(performance.now(), loop);
    for (let connection = 0; connection < spec.connections; connection++) loop();
  } else {
    const rate = spec.rate ?? 1000;
    // Ticks run from t0 to the end of the window; each request is timed from its own slot.
    const pacer = runPacer({ rate, start: t0, count: Math.ceil(((windowEnd - t0) * rate) / 1000) }, (index) => {
      // A tick still queued when the window closed was never sent in time; it is not counted.
      if (stopping) return;
      const due = scheduledAt(t0, index, rate);
      if (due >= windowStart) sendLag.add(performance.now() - due);
      send(due);
    });
    stopPacer = pacer.stop;
  }

  await sleep(windowEnd - performance.now());
  const cpu = process.cpuUsage(cpuAtStart);
  report({ type: 'window', phase: 'end' });
  stopping = true;
  stopPacer();
  if (inFlight > 0) {
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(resolve, (spec.drainS ?? 10) * 1000);
      onIdle = () => {
        clearTimeout(deadline);
        resolve();
      };
    });
  }
  for (const timer of timers) clearTimeout(timer);
  // Requests still running after the drain never got an answer in time: they count, as errors.
  const unfinished = sent - ok - Object.values(errors).reduce((total, value) => total + value, 0);
  if (unfinished > 0) errors.unfinished = unfinished;
  await pool.destroy().catch(() => {});

  return {
    mode: spec.mode,
    rate: spec.rate,
    connections: spec.connections,
    durationS: spec.durationS,
    sent,
    rps: completedInWindow / spec.durationS,
    ok,
    errors,
    outcomes,
    latency: latency.summarise(),
    ttfb: streaming ? ttfb.summarise() : undefined,
    sendLag: spec.mode === 'open' ? sendLag.summarise() : undefined,
    clientCpuPercent: ((cpu.user + cpu.system) / 1000 / (spec.durationS * 1000)) * 100,
    errorDetails,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

async function runAsChild(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
  const send = (message: unknown) => (process.send ? process.send(message) : console.log(JSON.stringify(message)));
  const result = await runLoad(spec, send);
  send({ type: 'result', result });
  process.disconnect?.();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAsChild().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
