/**
 * `npm run bench -- --soak 600`: holds a fixed rate against Junction for N seconds with a mix of
 * plain, streamed and failing requests (the simulator fails a share of one model's requests),
 * and every 30 s reports Junction's RSS (from /proc) and V8 heap (scraped from its /metrics).
 * Verdict: RSS at the end within 10% of RSS at minute 1, and no error but the injected ones.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildJunction, checkTarget, pickStrategy, runLoadChild, startJunction, startUpstream } from './harness';
import type { LoadProgress, RequestKind } from './load';
import { processTree, readProc, stopAll } from './processes';
import type { BenchOptions } from './run';
import { chatBody } from './scenarios';

/** Share of bench-flaky's requests the simulator fails with a 500. */
const INJECTED_ERROR_RATE = 0.3;
const SAMPLE_EVERY_S = 30;
/** RSS may end this much above its level at minute 1 before the soak counts as growing. */
export const RSS_GROWTH_LIMIT = 0.1;

const MIX: RequestKind[] = [
  { name: 'plain', path: '/v1/chat/completions', body: chatBody('bench-three', false), stream: false, weight: 6 },
  { name: 'streamed', path: '/v1/chat/completions', body: chatBody('bench-three', true), stream: true, weight: 3 },
  { name: 'failing', path: '/v1/chat/completions', body: chatBody('bench-flaky', false), stream: false, weight: 1 },
];

/** Outcomes each kind may have: the failing kind's upstream 500s come back as Junction's 502/503. */
const EXPECTED: Record<string, readonly string[]> = { plain: ['ok'], streamed: ['ok'], failing: ['ok', 'status_502', 'status_503'] };

export interface SoakSample {
  t_s: number;
  rss_mb: number;
  heap_used_mb: number;
  heap_total_mb: number;
  completed: number;
  errors: Record<string, number>;
}

/**
 * One gauge without labels from Prometheus exposition text, or NaN. `suffix` matches the end
 * of the metric name, so the registry's prefix (`junction_`, `junction_process_`) does not matter.
 */
export function gauge(exposition: string, suffix: string): number {
  const match = new RegExp(`^[a-zA-Z_:]*${suffix} ([0-9.eE+-]+)$`, 'm').exec(exposition);
  return match ? Number(match[1]) : NaN;
}

/** Outcomes outside EXPECTED, by kind. */
export function unexpectedOutcomes(outcomes: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  const unexpected: Record<string, Record<string, number>> = {};
  for (const [kind, counts] of Object.entries(outcomes)) {
    for (const [outcome, count] of Object.entries(counts)) {
      if ((EXPECTED[kind] ?? ['ok']).includes(outcome)) continue;
      (unexpected[kind] ??= {})[outcome] = count;
    }
  }
  return unexpected;
}

/** Relative RSS growth from the sample nearest minute 1 (the first, on short soaks) to the last. */
export function rssGrowth(samples: readonly SoakSample[]): number {
  if (samples.length < 2) return NaN;
  const reference = samples.find((sample) => sample.t_s >= 60) ?? samples[0];
  const last = samples[samples.length - 1];
  return reference === last ? NaN : (last.rss_mb - reference.rss_mb) / reference.rss_mb;
}

const mb = (bytes: number) => Number((bytes / 1_048_576).toFixed(1));

export async function runSoak(options: BenchOptions): Promise<void> {
  const seconds = options.soak ?? 600;
  const rate = options.soakRate;
  const temp = mkdtempSync(join(tmpdir(), 'junction-soak-'));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const stamp = new Date().toISOString();
  const resultBase = join('bench/results', `soak-${stamp.replace(/[:.]/g, '-')}`);
  mkdirSync('bench/results', { recursive: true });
  try {
    const upstream = await startUpstream({ kind: 'simulator', port: 0, models: { 'bench-flaky': { errorRates: { '500': INJECTED_ERROR_RATE } } } });
    await buildJunction();
    const { strategy } = await pickStrategy();
    const junction = await startJunction('junction', { BENCH_UPSTREAM: upstream.url, BENCH_LEDGER: join(temp, 'junction.db'), BENCH_STRATEGY: strategy }, { logFile: `${resultBase}-junction.log` });
    await checkTarget('junction', junction.url, 'bench-three');
    const tree = processTree(junction.pid);
    log(`soak: ${rate} req/s for ${seconds} s against Junction (mix: 60% plain, 30% streamed, 10% to a model failing ${INJECTED_ERROR_RATE * 100}%)`);

    const samples: SoakSample[] = [];
    // Sampled when the generator reports (every 30 s of the window), so each line pairs the
    // server's memory with the traffic served up to that moment.
    const sample = async (progress: LoadProgress) => {
      const rss = tree.reduce((total, pid) => total + (readProc(pid)?.rssBytes ?? 0), 0);
      const metrics = await fetch(`${junction.url}/metrics`).then((response) => response.text(), () => '');
      const point: SoakSample = {
        t_s: Math.round(progress.elapsedS),
        rss_mb: mb(rss),
        heap_used_mb: mb(gauge(metrics, 'nodejs_heap_size_used_bytes')),
        heap_total_mb: mb(gauge(metrics, 'nodejs_heap_size_total_bytes')),
        completed: progress.completed,
        errors: progress.errors,
      };
      samples.push(point);
      log(`soak: t=${String(point.t_s).padStart(4)} s  rss ${point.rss_mb} MB  heap ${point.heap_used_mb}/${point.heap_total_mb} MB  ok ${point.completed}  errors ${JSON.stringify(point.errors)}`);
    };
    let sampling = Promise.resolve();
    const run = await runLoadChild(
      { origin: junction.url, requests: MIX, mode: 'open', rate, connections: options.connections, warmupS: 0, durationS: seconds, progressEveryS: SAMPLE_EVERY_S },
      { junction: junction.pid, upstream: upstream.pid },
      (progress) => (sampling = sampling.then(() => sample(progress))),
    );
    await sampling;
    if (samples.at(-1)?.t_s !== seconds) await sample({ type: 'progress', elapsedS: seconds, completed: run.result.ok, errors: run.result.errors });

    const growth = rssGrowth(samples);
    const unexpected = unexpectedOutcomes(run.result.outcomes);
    const verdict = {
      rss_growth: Number.isFinite(growth) ? Number(growth.toFixed(4)) : null,
      rss_within_limit: Number.isFinite(growth) ? growth <= RSS_GROWTH_LIMIT : null,
      unexpected_errors: unexpected,
      only_injected_errors: Object.keys(unexpected).length === 0,
    };
    const report = {
      generated_at: stamp,
      soak: { seconds, rate, strategy, injected_error_rate: INJECTED_ERROR_RATE },
      achieved_rps: Number(run.result.rps.toFixed(0)),
      p50_ms: Number(run.result.latency.p50.toFixed(2)),
      p99_ms: Number(run.result.latency.p99.toFixed(2)),
      outcomes: run.result.outcomes,
      cpu_percent: Object.fromEntries(Object.entries(run.usage).map(([name, usage]) => [name, Number(usage.cpuPercent.toFixed(1))])),
      samples,
      error_details: run.result.errorDetails,
      verdict,
    };
    const file = `${resultBase}.json`;
    writeFileSync(file, JSON.stringify(report, null, 2));
    const growthText = verdict.rss_growth === null ? 'n/a (too short)' : `${(verdict.rss_growth * 100).toFixed(1)}%`;
    const lines = [
      `soak: ${report.achieved_rps} req/s achieved, p50 ${report.p50_ms} ms, p99 ${report.p99_ms} ms; outcomes ${JSON.stringify(report.outcomes)}`,
      `soak: RSS growth since minute 1: ${growthText} (limit ${RSS_GROWTH_LIMIT * 100}%) → ${verdict.rss_within_limit === false ? 'GROWING' : 'ok'}`,
      `soak: unexpected errors: ${verdict.only_injected_errors ? 'none' : JSON.stringify(unexpected)}`,
      `soak: saved ${file} (Junction's own log: ${resultBase}-junction.log)`,
    ];
    if (options.json) {
      lines.forEach(log);
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else console.log(lines.join('\n'));
  } finally {
    await stopAll();
    rmSync(temp, { recursive: true, force: true });
  }
}
