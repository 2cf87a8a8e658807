/**
 * `node --import tsx bench/source-routing.ts`: microseconds per source-router `route()` call
 * for one metric with 3 and 5 sources, p50 and p99 over many calls, after a warm-up. The
 * readings move every round and one source goes stuck for a while, so breakers, probes and
 * stand-ins are on the measured path too; synthetic fallback is measured separately.
 */
import { createSourceRouter, type Candidate } from '../src/sources';

const HOUR = 3_600_000;

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function run(sources: number, rounds: number, dark: boolean): { p50: number; p99: number; mean: number } {
  let clock = Date.UTC(2026, 0, 1);
  const router = createSourceRouter({ now: () => clock, defaultPolicy: { maxStalenessMs: 1.5 * HOUR, scaleFloor: 1, synthetic: { horizonMs: 1e15 } } });
  const ids = Array.from({ length: sources }, (_, i) => `source-${i}`);
  const samples = new Float64Array(rounds);
  const warmup = 2_000;
  for (let round = -warmup; round < rounds; round++) {
    clock += HOUR;
    const level = 100 + 40 * Math.sin(round / 12);
    const candidates: Candidate[] = [];
    // Dark runs: a few real rounds to build history, then none (every call is synthetic).
    if (!dark || round < -warmup + 50) {
      for (let i = 0; i < sources; i++) {
        const stuck = i === 0 && round % 500 > 400;
        candidates.push({ sourceId: ids[i], value: stuck ? 123 : level * (1 + 0.02 * (i - 1)) + ((round * (i + 3)) % 7), timestamp: clock });
      }
    }
    const started = process.hrtime.bigint();
    router.route({ metricKey: 'bench', candidates });
    const elapsed = Number(process.hrtime.bigint() - started) / 1000;
    if (round >= 0) samples[round] = elapsed;
  }
  const mean = samples.reduce((sum, value) => sum + value, 0) / rounds;
  samples.sort();
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), mean };
}

const rounds = Number(process.argv[2] ?? 50_000);
for (const [label, sources, dark] of [['3 sources', 3, false], ['5 sources', 5, false], ['synthetic (no source)', 3, true]] as const) {
  const { p50, p99, mean } = run(sources, rounds, dark);
  process.stdout.write(`${label.padEnd(22)} p50 ${p50.toFixed(1)} µs  p99 ${p99.toFixed(1)} µs  mean ${mean.toFixed(1)} µs  (${rounds} calls)\n`);
}
