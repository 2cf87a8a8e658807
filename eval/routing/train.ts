/**
 * `npm run train:routing [-- --data <dir>] [--trained YYYY-MM-DD] [--quick]`: rebuild the learned
 * router's quality model from the training part of the routing evaluation data only, choosing
 * the regularisation and the number of interaction dimensions by 5-fold cross-validation
 * (whole MMLU subjects per fold), then write `src/routing/auto/learned/quality-model.json`.
 * Same data and date, same file: the fit has no randomness.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DENSE_FEATURES } from '../../src/routing/auto/learned/features';
import { DEFAULT_FIT, type FitOptions } from '../../src/routing/auto/learned/fit';
import { toModelFile } from '../../src/routing/auto/learned/model-file';
import { crossValidate, fitOn, trainingSet, trainingStatistics, type CvResult, type PairSources } from './learned-cv';
import { canonicalModel, MODEL_ALIASES } from './learned-data';
import { loadTrainingExamples } from './learned-training';
import { ALPACA_STRONG, ROUTELLM_STRONG, ROUTELLM_WEAK } from './load';
import { dataDirectory } from './data-directory';

export const MODEL_VERSION = 'quality-model-v1';
export const BUCKETS = 1 << 14;
/** A hashed bucket counts as covered once this many training prompts use it. */
export const SUPPORT_MIN_PROMPTS = 5;
/** The grid cross-validation chooses from: interaction dimensions K, and L2 on dense and on hashed weights. */
const GRID: Array<Pick<FitOptions, 'dims' | 'lambda' | 'hashedLambda'>> = [
  { dims: 2, lambda: 1e-4, hashedLambda: 1e-4 },
  { dims: 2, lambda: 1e-4, hashedLambda: 1e-3 },
  { dims: 4, lambda: 1e-4, hashedLambda: 1e-4 },
  { dims: 2, lambda: 1e-3, hashedLambda: 1e-4 },
];

function main(): void {
  const { values } = parseArgs({ options: { data: { type: 'string' }, trained: { type: 'string' }, quick: { type: 'boolean', default: false }, out: { type: 'string' } } });
  const root = dataDirectory(values.data);
  if (root === undefined || !existsSync(root)) {
    process.stderr.write('train:routing needs the routing evaluation data: pass --data <dir> or set JUNCTION_ROUTING_EVAL_DATA (see README, "Auto-routing evaluation").\n');
    process.exit(2);
  }
  const trained = values.trained ?? new Date().toISOString().slice(0, 10);
  const started = Date.now();
  const examples = loadTrainingExamples(root);
  const set = trainingSet(examples, BUCKETS);
  process.stdout.write(`training part: ${set.prompts.length} prompts, ${set.outcomes.length} outcomes, ${set.models.length} models (${((Date.now() - started) / 1000).toFixed(1)} s to load and featurise)\n`);

  const pairs: PairSources = {
    mmlu: [canonicalModel(ROUTELLM_WEAK), canonicalModel(ROUTELLM_STRONG)],
    gsm8k: [canonicalModel(ROUTELLM_WEAK), canonicalModel(ROUTELLM_STRONG)],
    alpaca: [canonicalModel('gpt-3.5-turbo-1106'), canonicalModel(ALPACA_STRONG)],
  };
  const grid: FitOptions[] = (values.quick ? GRID.slice(0, 1) : GRID).map((choice) => ({ ...DEFAULT_FIT, buckets: BUCKETS, ...choice }));
  const results: Array<{ options: FitOptions; result: CvResult; apgr: number }> = [];
  process.stdout.write('\n| K | λ dense | λ hashed | CV log loss | by source | CV APGR (strong − weak) | CV APGR (P(weak fails)) |\n|---|---|---|---|---|---|---|\n');
  for (const options of grid) {
    const result = crossValidate(set, options, pairs);
    const apgrs = Object.values(result.apgr);
    results.push({ options, result, apgr: apgrs.reduce((sum, value) => sum + value, 0) / Math.max(1, apgrs.length) });
    const sources = Object.entries(result.bySource).map(([source, value]) => `${source} ${value.toFixed(3)}`).join(', ');
    const apgr = Object.entries(result.apgr).map(([source, value]) => `${source} ${value.toFixed(3)}`).join(', ');
    const weakFails = Object.entries(result.apgrWeakFails).map(([source, value]) => `${source} ${value.toFixed(3)}`).join(', ');
    process.stdout.write(`| ${options.dims} | ${options.lambda} | ${options.hashedLambda} | ${result.logLoss.toFixed(4)} | ${sources} | ${apgr} | ${weakFails} |\n`);
  }
  // The rule: the best mean out-of-fold APGR on the two-model sources (ranking prompts is the
  // router's job, and out-of-fold log loss can prefer a model that ranks worse); log loss breaks ties.
  const best = results.reduce((a, b) => (b.apgr > a.apgr + 1e-9 || (Math.abs(b.apgr - a.apgr) <= 1e-9 && b.result.logLoss < a.result.logLoss) ? b : a));
  const options = best.options;
  process.stdout.write(`\nchosen: K = ${options.dims}, λ dense ${options.lambda}, λ hashed ${options.hashedLambda} (best mean CV APGR ${best.apgr.toFixed(3)})\n`);

  const weights = fitOn(set, options);
  const { meanEmbedding, seen } = trainingStatistics(set, weights, SUPPORT_MIN_PROMPTS);
  const outcomesPerModel = set.models.map((_, m) => set.outcomes.filter((outcome) => outcome.model === m).length);
  const file = toModelFile(weights, {
    version: MODEL_VERSION,
    trained,
    denseNames: DENSE_FEATURES,
    aliases: MODEL_ALIASES,
    outcomesPerModel,
    meanEmbedding,
    seen,
    minPrompts: SUPPORT_MIN_PROMPTS,
    training: {
      data: 'training part only (eval/routing/split.ts): RouteLLM MMLU subjects before mmlu_n and GSM8K, RouterBench ARC-Challenge and MBPP, AlpacaEval prompts 1-400',
      prompts: set.prompts.length,
      options,
      crossValidation: results.map(({ options: tried, result }) => ({ dims: tried.dims, lambda: tried.lambda, hashedLambda: tried.hashedLambda, logLoss: Number(result.logLoss.toFixed(4)), apgr: Object.fromEntries(Object.entries(result.apgr).map(([source, value]) => [source, Number(value.toFixed(3))])), apgrWeakFails: Object.fromEntries(Object.entries(result.apgrWeakFails).map(([source, value]) => [source, Number(value.toFixed(3))])) })),
    },
  });
  const out = values.out ?? new URL('../../src/routing/auto/learned/quality-model.json', import.meta.url).pathname;
  writeFileSync(out, `${JSON.stringify(file, null, 1)}\n`);
  process.stdout.write(`wrote ${out} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

main();
