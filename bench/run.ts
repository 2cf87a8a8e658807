/**
 * `npm run bench [-- options]`: starts the upstream, the floor proxy and Junction as separate
 * processes, drives each scenario with the load generator (another process), interleaving the
 * scenarios round by round, and reports medians as a table and as JSON (bench/results/).
 * See bench/README.md for what each figure means.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateKey } from '../src/access/keys';
import { buildJunction, checkAccessTarget, checkTarget, JUNCTION_ACCESS_CONFIG, pickStrategy, runLoadChild, startFloor, startJunction, startUpstream } from './harness';
import { stopAll, stopChildrenOnExit } from './processes';
import type { Child } from './processes';
import type { RequestKind } from './load';
import { formatReport, scenarioFigures, summarise } from './report';
import type { BenchReport, ScenarioRuns } from './report';
import { checkRedis, DEFAULT_REDIS_URL, deleteKeysUnder, runPrefix } from './redis-prefix';
import { selectScenarios, withKey } from './scenarios';
import type { Scenario, Target } from './scenarios';
import { runSoak } from './soak';

export interface BenchOptions {
  rounds: number;
  duration: number;
  warmup: number;
  connections: number;
  rates: number[];
  scenarios?: string[];
  json: boolean;
  profile: boolean;
  soak?: number;
  /** The soak's rate: the first of --rates when given, else 1000 req/s. */
  soakRate: number;
  /** Another build's bundle (e.g. the last release's dist/cli/junction.js), measured as scenario 4b alongside this one. */
  baseline?: string;
  /** Redis for scenario access-redis (`--redis`, else REDIS_URL, else the local default). */
  redis: string;
}

const USAGE = `npm run bench -- [--quick] [--scenarios 2,4] [--rates 500,1000] [--duration 10] [--warmup 2]
                     [--rounds 3] [--connections 50] [--json] [--profile] [--soak 600]
                     [--baseline path/to/other/dist/cli/junction.js] [--redis redis://host:6379]`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      scenarios: { type: 'string' },
      rates: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      json: { type: 'boolean' },
      profile: { type: 'boolean' },
      soak: { type: 'string' },
      baseline: { type: 'string' },
      redis: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new Error(USAGE);
  const positive = (name: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!(value > 0) || !Number.isFinite(value)) throw new Error(`--${name} must be a positive number, got '${text}'`);
    return value;
  };
  const list = (text: string | undefined) => text?.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  const quick = values.quick ?? false;
  const rates = list(values.rates)?.map((rate) => positive('rates', rate, 0));
  return {
    rounds: Math.round(positive('rounds', values.rounds, quick ? 1 : 3)),
    duration: positive('duration', values.duration, quick ? 3 : 10),
    warmup: positive('warmup', values.warmup, quick ? 1 : 2),
    connections: Math.round(positive('connections', values.connections, 50)),
    rates: rates ?? [500, 1000, 2000],
    scenarios: list(values.scenarios),
    json: values.json ?? false,
    profile: values.profile ?? false,
    soak: values.soak === undefined ? undefined : positive('soak', values.soak, 0),
    soakRate: rates?.[0] ?? 1000,
    ...(values.baseline === undefined ? {} : { baseline: values.baseline }),
    redis: values.redis ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '-');

async function runBench(options: BenchOptions): Promise<void> {
  const scenarios = selectScenarios(options.scenarios, options.baseline !== undefined);
  const needs = new Set<Target>(['upstream', ...scenarios.map((scenario) => scenario.target)]);
  const notes: string[] = [];
  const temp = mkdtempSync(join(tmpdir(), 'junction-bench-'));
  const resultsDir = 'bench/results';
  mkdirSync(resultsDir, { recursive: true });
  const profileDir = options.profile ? join(resultsDir, `profiles-${Date.now()}`) : undefined;
  // The access scenarios' key, made afresh for the run: it reaches Junction through the
  // environment and the generator through its spec, and is never written down.
  const { key } = generateKey();
  const redisPrefix = needs.has('access-redis') ? runPrefix() : undefined;
  if (redisPrefix !== undefined) await checkRedis(options.redis);
  try {
    const children: Partial<Record<Target, Child>> = {};
    children.upstream = await startUpstream({ kind: 'minimal', port: 0 });
    const upstreamUrl = children.upstream.url;
    const starting: Array<Promise<void>> = [];
    if (needs.has('floor')) starting.push(startFloor(upstreamUrl).then((child) => void (children.floor = child)));
    let strategy = 'priority';
    if ([...needs].some((target) => target !== 'upstream' && target !== 'floor')) {
      await buildJunction();
      const picked = await pickStrategy();
      strategy = picked.strategy;
      if (picked.note) notes.push(picked.note);
      const env = (ledger: string) => ({ BENCH_UPSTREAM: upstreamUrl, BENCH_LEDGER: join(temp, ledger), BENCH_STRATEGY: strategy });
      const start = (target: Target, environment: Record<string, string>, run: Parameters<typeof startJunction>[2] = {}) => {
        if (needs.has(target)) starting.push(startJunction(target, environment, { profileDir, ...run }).then((child) => void (children[target] = child)));
      };
      start('junction', env('junction.db'));
      start('baseline', env('baseline.db'), { entry: options.baseline });
      start('workers', env('workers.db'), { args: ['--workers', '2'] });
      start('access-memory', { ...env('access-memory.db'), BENCH_KEY: key, BENCH_STATE: 'memory' }, { config: JUNCTION_ACCESS_CONFIG });
      if (redisPrefix !== undefined) {
        start('access-redis', { ...env('access-redis.db'), BENCH_KEY: key, BENCH_STATE: 'redis', BENCH_REDIS: options.redis, BENCH_STATE_PREFIX: redisPrefix }, { config: JUNCTION_ACCESS_CONFIG });
      }
    }
    await Promise.all(starting);
    for (const scenario of scenarios) {
      const { url } = children[scenario.target]!;
      const model = JSON.parse(scenario.request.body).model;
      await (scenario.keyed ? checkAccessTarget(scenario.name, url, model, key) : checkTarget(scenario.name, url, model));
    }
    const pids = Object.fromEntries(Object.entries(children).map(([name, child]) => [name, child.pid]));
    log(`bench: ${scenarios.length} scenarios × (closed loop + ${options.rates.length} rates) × ${options.rounds} rounds, ${options.warmup + options.duration} s each; strategy ${strategy}`);

    const runs = new Map<string, ScenarioRuns>(scenarios.map((scenario) => [scenario.id, { id: scenario.id, name: scenario.name, target: scenario.target, stream: scenario.request.stream, closed: [], open: {} }]));
    for (let round = 1; round <= options.rounds; round++) {
      for (const scenario of scenarios) {
        const request = scenario.keyed ? withKey(scenario.request, key) : scenario.request;
        await runScenarioRound(scenario, request, children[scenario.target]!.url, runs.get(scenario.id)!, options, pids, `round ${round}/${options.rounds}`);
      }
    }

    const figures = Object.fromEntries([...runs].map(([id, scenarioRuns]) => [id, scenarioFigures(scenarioRuns)]));
    const atRate = options.rates.includes(1000) ? 1000 : options.rates[0];
    if (atRate !== 1000) notes.push(`latency summary at ${atRate} req/s (1000 was not among the rates)`);
    const report: BenchReport = {
      generated_at: new Date().toISOString(),
      machine: { cpus: availableParallelism(), node: process.version, load_average: loadavg().map((value) => Number(value.toFixed(2))) },
      options: { ...options, strategy },
      notes,
      scenarios: figures,
      summary: summarise(figures, atRate),
    };
    const file = join(resultsDir, `bench-${report.generated_at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ ...report, runs: [...runs.values()] }, null, 2));
    const text = formatReport(report, Object.keys(pids).concat('load'));
    if (options.json) {
      log(text);
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else console.log(`\n${text}\n\nSaved ${file}`);
  } finally {
    await stopAll();
    rmSync(temp, { recursive: true, force: true });
    if (redisPrefix !== undefined) await deleteKeysUnder(options.redis, redisPrefix).catch((error: unknown) => log(`bench: could not delete the run's Redis keys under ${redisPrefix}: ${String(error)}`));
    if (profileDir) log(`bench: CPU profiles in ${profileDir} (summarise with: node --import tsx bench/profile.ts <file>)`);
  }
}

async function runScenarioRound(scenario: Scenario, request: RequestKind, origin: string, runs: ScenarioRuns, options: BenchOptions, pids: Record<string, number>, label: string): Promise<void> {
  const base = { origin, requests: [request], connections: options.connections, warmupS: options.warmup, durationS: options.duration };
  const closed = await runLoadChild({ ...base, mode: 'closed' }, pids);
  runs.closed.push(closed);
  log(`${label}  ${scenario.id.padEnd(13)} ${scenario.name.padEnd(26)} closed   ${closed.result.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(closed.result.latency.p50)}  p99 ${ms(closed.result.latency.p99)}  errors ${closed.result.sent - closed.result.ok}`);
  for (const rate of options.rates) {
    const open = await runLoadChild({ ...base, mode: 'open', rate }, pids);
    (runs.open[rate] ??= []).push(open);
    const ttfb = open.result.ttfb ? `  ttfb p50 ${ms(open.result.ttfb.p50)}` : '';
    log(`${label}  ${scenario.id.padEnd(13)} ${scenario.name.padEnd(26)} @${String(rate).padEnd(7)} ${open.result.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(open.result.latency.p50)}  p99 ${ms(open.result.latency.p99)}${ttfb}  errors ${open.result.sent - open.result.ok}`);
  }
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  stopChildrenOnExit();
  if (options.soak !== undefined) await runSoak(options);
  else await runBench(options);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch(async (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    await stopAll();
    process.exit(1);
  });
}
