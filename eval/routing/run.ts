/**
 * `npm run eval:routing [-- --data <dir>] [--json]`: replay recorded routing outcomes and print
 * the metrics, training and held-out parts apart. The data directory comes from `--data` or
 * the JUNCTION_ROUTING_EVAL_DATA environment variable; see the README for where to get it.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { shippedPredictor } from '../../src/routing/auto/learned';
import { complexityScorer, evaluateMulti, evaluatePairs, LEARNED, type MultiRow, type PairRow } from './evaluate';
import shippedModel from '../../src/routing/auto/learned/quality-model.json' with { type: 'json' };
import type { FitOptions } from '../../src/routing/auto/learned/fit';
import { outOfFoldTable, trainingSet } from './learned-cv';
import { learnedRouter } from './learned-router';
import { loadTrainingExamples } from './learned-training';
import { dataDirectory } from './data-directory';
import { loadAlpaca, loadGsm8k, loadMmlu, loadMtBench, loadRouterBench } from './load';

/** The weak model paired with gpt4_1106_preview on AlpacaEval (same generation as the RouteLLM pair). */
const ALPACA_WEAK = 'gpt-3.5-turbo-1106';

export { dataDirectory };

function percent(value: number | null): string {
  return value === null ? 'never' : `${(value * 100).toFixed(1)}%`;
}

function pairTable(rows: readonly PairRow[]): string {
  const lines = ['| data | part | n | router | weak → strong | APGR | CPT(50%) | CPT(80%) | cost cut at 95% | 95% threshold from training: strong calls, quality vs strong |', '|---|---|---|---|---|---|---|---|---|---|'];
  for (const row of rows) {
    const s = row.summary;
    lines.push(`| ${row.dataset} | ${row.part} | ${row.prompts} | ${row.router} | ${s.weakQuality.toFixed(3)} → ${s.strongQuality.toFixed(3)} | ${s.apgr.toFixed(3)} | ${percent(s.cpt50)} | ${percent(s.cpt80)} | ${percent(s.costCutAt95)} | ${row.transfer === undefined ? '' : `${percent(row.transfer.strongShare)}, ${percent(row.transfer.qualityRatio)}`} |`);
  }
  return lines.join('\n');
}

function multiTable(rows: readonly MultiRow[]): string {
  const lines = ['| part | tasks | n | router | AIQ | best accuracy | cost at GPT-4 accuracy (share of GPT-4 cost) |', '|---|---|---|---|---|---|---|'];
  for (const row of rows) {
    lines.push(`| ${row.part} | ${row.tasks} | ${row.prompts} | ${row.router} | ${row.aiq.toFixed(4)} | ${row.bestQuality.toFixed(3)} | ${percent(row.costShareAtGpt4Quality)} |`);
  }
  return lines.join('\n');
}

interface Target {
  name: string;
  met: boolean;
  detail: string;
}

/** The issue's held-out targets, for one router: 'complexity' (its bucket rule on RouterBench) or the learned one. */
function targets(pairs: readonly PairRow[], multi: readonly MultiRow[], router: string): Target[] {
  const find = (dataset: string, part: string, name: string) => pairs.find((row) => row.dataset === dataset && row.part === part && row.router === name)?.summary;
  const mmlu = find('mmlu', 'heldout', router);
  const mtRouter = find('mt-bench', 'heldout', router);
  const mtLength = find('mt-bench', 'heldout', 'prompt length');
  const wino = multi.find((row) => row.part === 'heldout' && (row.router === router || row.router === `${router} buckets`));
  return [
    { name: `${router}: APGR >= 0.65 on held-out MMLU`, met: (mmlu?.apgr ?? 0) >= 0.65, detail: `${mmlu?.apgr.toFixed(3)}` },
    { name: `${router}: better than prompt length on MT-Bench (APGR)`, met: (mtRouter?.apgr ?? 0) > (mtLength?.apgr ?? Infinity), detail: `${mtRouter?.apgr.toFixed(3)} vs prompt length ${mtLength?.apgr.toFixed(3)}` },
    { name: `${router}: Winogrande: GPT-4's accuracy at <= 25% of its cost`, met: wino?.costShareAtGpt4Quality !== null && (wino?.costShareAtGpt4Quality ?? Infinity) <= 0.25, detail: `reaches it at ${percent(wino?.costShareAtGpt4Quality ?? null)} of GPT-4's cost; best accuracy ${wino?.bestQuality.toFixed(3)}` },
  ];
}

function main(): void {
  const { values } = parseArgs({ options: { data: { type: 'string' }, json: { type: 'boolean', default: false }, 'learned-in-sample': { type: 'boolean', default: false } } });
  const root = dataDirectory(values.data);
  if (root === undefined || !existsSync(root)) {
    process.stderr.write('eval:routing needs the routing evaluation data: pass --data <dir> or set JUNCTION_ROUTING_EVAL_DATA (see README, "Auto-routing evaluation").\n');
    process.exit(2);
  }
  const scorer = complexityScorer();
  // The shipped model saw the training part; refit it fold by fold (same options) so the training
  // rows are out of fold, unless asked to skip that (a few minutes) and show them in-sample.
  const outOfFold = values['learned-in-sample'] ? undefined : outOfFoldTable(trainingSet(loadTrainingExamples(root), shippedModel.buckets), shippedModel.training.options as FitOptions);
  const learned = learnedRouter(shippedPredictor(), outOfFold);
  const pairs = [loadMmlu(root), loadGsm8k(root), loadMtBench(root), loadAlpaca(root, ALPACA_WEAK)].flatMap((dataset) => evaluatePairs(dataset, scorer.score, learned));
  const multi = evaluateMulti(loadRouterBench(root), scorer.score, learned);
  const report = {
    pairs,
    routerBench: multi,
    targets: [...targets(pairs, multi, 'complexity'), ...targets(pairs, multi, LEARNED)],
    complexity: { decisions: scorer.decisions(), microsecondsPerDecision: scorer.microseconds() },
    learned: { version: learned.predictor.version, decisions: learned.decisions(), microsecondsPerDecision: learned.microseconds() },
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  process.stdout.write(`## Two models (RouteLLM: Mixtral-8x7B → GPT-4-1106; AlpacaEval: gpt-3.5-turbo-1106 → gpt4_1106_preview)\n\n${pairTable(pairs)}\n\n`);
  process.stdout.write(`## RouterBench subset (11 models, USD per prompt)\n\n${multiTable(multi)}\n\n`);
  process.stdout.write('## Targets (held out)\n\n');
  for (const target of report.targets) process.stdout.write(`- [${target.met ? 'met' : 'NOT met'}] ${target.name}: ${target.detail}\n`);
  process.stdout.write(`\nComplexity scorer: ${report.complexity.microsecondsPerDecision.toFixed(1)} µs per decision over ${report.complexity.decisions} decisions.\n`);
  process.stdout.write(`Learned router (${report.learned.version}): ${report.learned.microsecondsPerDecision.toFixed(1)} µs per decision (analyse + every candidate's quality) over ${report.learned.decisions} decisions. Its training-part rows are ${learned.crossValidated ? 'out of fold (5-fold CV)' : 'in-sample'}.\n`);
}

main();
