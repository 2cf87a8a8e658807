/**
 * The benchmark's cast, started as child processes: the upstream, the floor proxy, Junction
 * (the real CLI), and the load generator, which runs while every other process is sampled.
 */
import type { LoadMessage, LoadProgress, LoadResult, LoadSpec } from './load';
import { startChild, UsageMeter } from './processes';
import type { Child, Usage } from './processes';
import type { RunRecord } from './report';
import { chatBody } from './scenarios';
import type { UpstreamSpec } from './upstream';

export const READY = /listening (?:on )?(http:\/\/\S+)/;
export const JUNCTION_CONFIG = 'bench/junction.bench.yaml';
/** The same with virtual keys, a rate limit and a budget: the access scenarios. */
export const JUNCTION_ACCESS_CONFIG = 'bench/junction-access.bench.yaml';

/** Junction as production runs it: the bundle `npm run build` makes (`buildJunction`). */
export const JUNCTION_ENTRY = 'dist/cli/junction.js';

/** Builds the bundle afresh, so that what is measured is the working tree. */
export async function buildJunction(): Promise<void> {
  const build = await startChild('build', ['scripts/build.js'], {});
  if ((await build.exited) !== 0) throw new Error('npm run build failed');
}

/** The three-deployment route's strategy: least-latency when this build accepts it (older builds, run for comparison, may not). */
export async function pickStrategy(): Promise<{ strategy: string; note?: string }> {
  const check = await startChild('junction check', [JUNCTION_ENTRY, 'check', JUNCTION_CONFIG], { env: { BENCH_STRATEGY: 'least-latency' } });
  if ((await check.exited) === 0) return { strategy: 'least-latency' };
  return { strategy: 'priority', note: 'this build rejects strategy least-latency; scenario 4-6 use priority' };
}

export interface JunctionRun {
  /** The config file (default {@link JUNCTION_CONFIG}). */
  config?: string;
  /** Extra arguments to `serve`, e.g. `--workers 2`. */
  args?: string[];
  /** Run under `--cpu-prof`, writing the profile here. */
  profileDir?: string;
  /** Also write the process's output to this file. */
  logFile?: string;
  /** Another build's CLI (default {@link JUNCTION_ENTRY}). */
  entry?: string;
}

/** Starts the Junction CLI on an ephemeral port with the bench config (or `run.config`). */
export function startJunction(name: string, env: Record<string, string>, run: JunctionRun = {}): Promise<Child> {
  const nodeArgs = run.profileDir ? ['--cpu-prof', '--cpu-prof-dir', run.profileDir] : [];
  const serve = [run.entry ?? JUNCTION_ENTRY, 'serve', '-c', run.config ?? JUNCTION_CONFIG, '--port', '0', ...(run.args ?? [])];
  return startChild(name, [...nodeArgs, ...serve], { env, ready: READY, timeoutMs: 90_000, logFile: run.logFile });
}

/** One request through a freshly started target, so a broken setup fails before minutes of load. */
export async function checkTarget(name: string, url: string, model: string, headers: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: chatBody(model, false) });
  const text = await response.text();
  if (response.status !== 200 || !text.includes('chat.completion')) throw new Error(`${name} answered ${response.status}: ${text.slice(0, 300)}`);
  return response;
}

/**
 * A keyed target checks keys and counts limits: without a key it refuses with 401, with the
 * run's key it answers and quotes the key's per-minute limit. Otherwise the access scenarios
 * would quietly measure an open gateway.
 */
export async function checkAccessTarget(name: string, url: string, model: string, key: string): Promise<void> {
  const anonymous = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chatBody(model, false) });
  await anonymous.arrayBuffer();
  if (anonymous.status !== 401) throw new Error(`${name} answered ${anonymous.status} to a request without a key; expected 401`);
  const keyed = await checkTarget(name, url, model, { authorization: `Bearer ${key}` });
  if (keyed.headers.get('x-ratelimit-limit-requests') === null) throw new Error(`${name} admitted the key without quoting its rate limit: are limits on?`);
}

/** Runs the load generator as a child while sampling every process in `pids` over its measured window. */
export async function runLoadChild(spec: LoadSpec, pids: Record<string, number>, onProgress?: (progress: LoadProgress) => void): Promise<RunRecord> {
  let result: LoadResult | undefined;
  const meter = new UsageMeter(pids);
  let usage: Record<string, Usage> | undefined;
  let metering = false;
  const load = await startChild('load', ['--import', 'tsx', 'bench/load.ts', JSON.stringify(spec)], {
    ipc: true,
    onMessage: (message) => {
      const typed = message as LoadMessage | { type: 'result'; result: LoadResult };
      if (typed.type === 'result') result = typed.result;
      else if (typed.type === 'progress') onProgress?.(typed);
      else if (typed.phase === 'start') {
        meter.start();
        metering = true;
      } else if (metering) usage = meter.stop();
    },
  });
  const code = await load.exited;
  if (result === undefined) throw new Error(`load generator exited with ${code}:\n${load.output()}`);
  usage ??= metering ? meter.stop() : {};
  return { result, usage: { ...usage, load: { cpuPercent: result.clientCpuPercent, rssMaxMb: NaN } } };
}

export function startUpstream(spec: UpstreamSpec): Promise<Child> {
  return startChild('upstream', ['--import', 'tsx', 'bench/upstream.ts', JSON.stringify(spec)], { ready: READY });
}

export function startFloor(upstreamUrl: string): Promise<Child> {
  return startChild('floor', ['--import', 'tsx', 'bench/floor-proxy.ts', upstreamUrl, '0'], { ready: READY });
}
