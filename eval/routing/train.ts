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
import { canonicalModel, fromMulti, fromPairs, MODEL_ALIASES } from './learned-data';
import { ALPACA_STRONG, loadAlpacaAll, loadGsm8k, loadMmlu, loadRouterBench, ROUTELLM_STRONG, ROUTELLM_WEAK } from './load';
import { dataDirectory } from './data-directory';

export const MODEL_VERSION = 'quality-model-v1';
export const BUCKETS = 1 << 14;
/** A hashed bucket counts as covered once this many training prompts use it. */
export const SUPPORT_MIN_PROMPTS = 5;
const LAMBDAS = [1e-5, 1e-4, 1e-3];
const DIMS = [0, 2];

function main(): void {
  const { values } = parseArgs({ options: { data: { type: 'string' }, trained: { type: 'string' }, quick: { type: 'boolean', default: false }, out: { type: 'string' } } });
  const root = dataDirectory(values.data);
  if (root === undefined || !existsSync(root)) {
    process.stderr.write('train:routing needs the routing evaluation data: pass --data <dir> or set JUNCTION_ROUTING_EVAL_DATA (see README, "Auto-routing evaluation").\n');
    process.exit(2);
  }
  const trained = values.trained ?? new Date().toISOString().slice(0, 10);
  const started = Date.now();
  const examples = [...fromPairs(loadMmlu(root)), ...fromPairs(loadGsm8k(root)), ...fromMulti(loadRouterBench(root), 'routerbench'), ...fromMulti(loadAlpacaAll(root), 'alpaca')];
  const set = trainingSet(examples, BUCKETS);
  process.stdout.write(`training part: ${set.prompts.length} prompts, ${set.outcomes.length} outcomes, ${set.models.length} models (${((Date.now() - started) / 1000).toFixed(1)} s to load and featurise)\n`);

  const pairs: PairSources = {
    mmlu: [canonicalModel(ROUTELLM_WEAK), canonicalModel(ROUTELLM_STRONG)],
    gsm8k: [canonicalModel(ROUTELLM_WEAK), canonicalModel(ROUTELLM_STRONG)],
    alpaca: [canonicalModel('gpt-3.5-turbo-1106'), canonicalModel(ALPACA_STRONG)],
  };
  const grid: FitOptions[] = (values.quick ? [{ dims: 2, lambda: 1e-4 }] : DIMS.flatMap((dims) => LAMBDAS.map((lambda) => ({ dims, lambda })))).map((choice) => ({ ...DEFAULT_FIT, buckets: BUCKETS, ...choice }));
  const results: CvResult[] = [];
  process.stdout.write('\n| K | λ | CV log loss | by source | CV APGR (strong − weak) |\n|---|---|---|---|---|\n');
  for (const options of grid) {
    const result = crossValidate(set, options, pairs);
    results.push(result);
    const sources = Object.entries(result.bySource).map(([source, value]) => `${source} ${value.toFixed(3)}`).join(', ');
    const apgr = Object.entries(result.apgr).map(([source, value]) => `${source} ${value.toFixed(3)}`).join(', ');
    process.stdout.write(`| ${options.dims} | ${options.lambda} | ${result.logLoss.toFixed(4)} | ${sources} | ${apgr} |\n`);
  }
  // The rule fixed in advance: lowest out-of-fold log loss over all training outcomes.
  const best = results.reduce((a, b) => (b.logLoss < a.logLoss ? b : a));
  const options: FitOptions = { ...DEFAULT_FIT, buckets: BUCKETS, dims: best.dims, lambda: best.lambda };
  process.stdout.write(`\nchosen: K = ${best.dims}, λ = ${best.lambda} (lowest CV log loss)\n`);

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
      crossValidation: results.map((result) => ({ dims: result.dims, lambda: result.lambda, logLoss: Number(result.logLoss.toFixed(4)), apgr: Object.fromEntries(Object.entries(result.apgr).map(([source, value]) => [source, Number(value.toFixed(3))])) })),
    },
  });
  const out = values.out ?? new URL('../../src/routing/auto/learned/quality-model.json', import.meta.url).pathname;
  writeFileSync(out, `${JSON.stringify(file, null, 1)}\n`);
  process.stdout.write(`wrote ${out} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

main();
