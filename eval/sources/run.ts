/**
 * `npm run eval:sources [-- --data <dir>] [--json] [--calibrate] [--seed <n>]`: replays the
 * multi-source data hour by hour (BTC day by day) with faults injected, through the source
 * router and the baselines, and prints the scores, training and held-out series apart.
 * The data directory comes from `--data` or JUNCTION_SOURCES_EVAL_DATA (see the README).
 * `--calibrate` refits the confidence table on the training series only and rewrites
 * src/sources/confidence-table.ts; run the evaluation again afterwards to score with it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fitConfidence, tableSource, type Sample } from './calibrate';
import { loadAll } from './load';
import { summarise, type Summary } from './metrics';
import { replay } from './replay';
import { targetsFor, type Target } from './targets';

export function dataDirectory(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flag ?? env.JUNCTION_SOURCES_EVAL_DATA;
}

const fixed = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const percent = (value: number): string => (Number.isFinite(value) ? `${(value * 100).toFixed(2)}%` : '–');

export function table(summaries: readonly Summary[]): string {
  const lines = [
    '| series | part | method | MAE | router MAE, same steps | MAE in fault steps | p95 error | coverage | synthetic | Spearman(conf, error/tol): all / fault steps | Spearman(conf, error) | mean confidence / within tolerance / exact |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of summaries) {
    const r = s.router;
    lines.push(`| ${s.series} | ${s.part} | **router** | ${fixed(r.mae)} | | ${fixed(r.maeInFaults)} | ${fixed(r.p95)} | ${percent(r.coverage)} | ${percent(r.syntheticShare)} | ${fixed(r.spearmanScaled)} / ${fixed(r.spearmanInFaults)} | ${fixed(r.spearmanAbsolute)} | ${fixed(r.meanConfidence)} / ${percent(r.withinTolerance)} / ${percent(r.exactShare)} |`);
    for (const b of s.baselines) lines.push(`| | | ${b.method} | ${fixed(b.mae)} | ${fixed(b.routerMaeSameSteps ?? Number.NaN)} | ${fixed(b.maeInFaults)} | ${fixed(b.p95)} | ${percent(b.coverage)} | | | | |`);
  }
  return lines.join('\n');
}

export function breakerTable(summaries: readonly Summary[]): string {
  const lines = ['| series | stuck: opened / episodes, median steps | drift | stale |', '|---|---|---|---|'];
  for (const s of summaries) {
    const cell = (type: string) => {
      const b = s.breakers.find((entry) => entry.type === type);
      return b === undefined ? '–' : `${b.opened}/${b.episodes}, ${b.medianStepsToOpen ?? 'never'}`;
    };
    lines.push(`| ${s.series} | ${cell('stuck')} | ${cell('drift')} | ${cell('stale')} |`);
  }
  return lines.join('\n');
}

function main(): void {
  const { values } = parseArgs({ options: { data: { type: 'string' }, json: { type: 'boolean', default: false }, calibrate: { type: 'boolean', default: false }, seed: { type: 'string', default: '17' } } });
  const root = dataDirectory(values.data);
  if (root === undefined || !existsSync(root)) {
    process.stderr.write('eval:sources needs the multi-source data: pass --data <dir> or set JUNCTION_SOURCES_EVAL_DATA (see README, "Multi-source data router").\n');
    process.exit(2);
  }
  const seed = Number(values.seed);
  const series = loadAll(root);
  if (values.calibrate) {
    const training = series.filter((entry) => entry.part === 'train');
    const samples: Sample[] = [];
    for (const entry of training) {
      for (const record of replay(entry, seed).records) {
        if (record.features !== undefined && !record.synthetic) samples.push({ features: record.features, within: Math.abs(record.routed - record.truth) <= record.tolerance });
      }
    }
    const fitted = fitConfidence(samples);
    writeFileSync(new URL('../../src/sources/confidence-table.ts', import.meta.url), tableSource(fitted, training.map((entry) => entry.name), samples.length));
    process.stdout.write(`confidence table refitted on ${samples.length} training decisions: ${JSON.stringify(fitted)}\n`);
    return;
  }
  const summaries = series.map((entry) => summarise(replay(entry, seed)));
  const targets: Target[] = targetsFor(summaries.filter((entry) => entry.part === 'heldout'));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ seed, summaries, targets }, null, 2)}\n`);
    return;
  }
  for (const part of ['train', 'heldout'] as const) {
    process.stdout.write(`## ${part === 'train' ? 'Training (tuned on)' : 'Held out (never tuned on)'}\n\n${table(summaries.filter((entry) => entry.part === part))}\n\n`);
  }
  process.stdout.write(`## Breakers: faulty source opened (steps from fault start)\n\n${breakerTable(summaries)}\n\n## Targets (held out)\n\n`);
  for (const target of targets) process.stdout.write(`- [${target.met ? 'met' : 'NOT met'}] ${target.name}: ${target.detail}\n`);
  const micro = summaries.map((entry) => entry.microsecondsPerRoute);
  process.stdout.write(`\nroute(): ${fixed(Math.min(...micro), 1)}–${fixed(Math.max(...micro), 1)} µs per call in the replay (mean per series, wall clock, one core shared); see bench/source-routing.ts for p50/p99.\n`);
}

main();
