import { promptFeatures, SUPPORT_BITS, supportKeys } from '../../src/routing/auto/learned/features';
import { fitQualityModel, type FitOptions, type TrainingOutcome, type TrainingPrompt } from '../../src/routing/auto/learned/fit';
import { logitOf, project, sigmoid, standardise, type QualityWeights } from '../../src/routing/auto/learned/model';
import { summarisePair } from './metrics';
import { FOLDS, foldsOf, type TrainingExample } from './learned-data';

/**
 * Training examples as the fitter's arrays, and k-fold cross-validation over them: no I/O, so
 * the rebuild script and the tests share it. Folds follow `foldsOf` (whole MMLU subjects).
 */

export interface TrainingSet {
  examples: TrainingExample[];
  prompts: TrainingPrompt[];
  outcomes: TrainingOutcome[];
  models: string[];
  folds: number[];
}

export function trainingSet(examples: readonly TrainingExample[], buckets: number): TrainingSet {
  const models = [...new Set(examples.flatMap((example) => Object.keys(example.quality)))].sort();
  const modelIndex = new Map(models.map((model, index) => [model, index]));
  const prompts = examples.map((example) => {
    const features = promptFeatures(example.text, example.messages, buckets);
    return { indices: features.indices, values: features.values, dense: features.dense };
  });
  const outcomes = examples.flatMap((example, prompt) =>
    Object.entries(example.quality)
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([model, label]) => ({ prompt, model: modelIndex.get(model) as number, label })),
  );
  return { examples: [...examples], prompts, outcomes, models, folds: foldsOf(examples) };
}

/** The model's P(good) for one prompt and model index. */
export function predictOne(weights: QualityWeights, prompt: TrainingPrompt, model: number): number {
  return sigmoid(logitOf(weights, project(weights, prompt, standardise(prompt.dense, weights.denseMean, weights.denseStd)), model));
}

function subset(set: TrainingSet, keep: (prompt: number) => boolean): { prompts: TrainingPrompt[]; outcomes: TrainingOutcome[] } {
  const renumber = new Map<number, number>();
  const prompts: TrainingPrompt[] = [];
  set.prompts.forEach((prompt, index) => {
    if (!keep(index)) return;
    renumber.set(index, prompts.length);
    prompts.push(prompt);
  });
  const outcomes = set.outcomes.filter((outcome) => renumber.has(outcome.prompt)).map((outcome) => ({ ...outcome, prompt: renumber.get(outcome.prompt) as number }));
  return { prompts, outcomes };
}

export function fitOn(set: TrainingSet, options: FitOptions, keep: (prompt: number) => boolean = () => true): QualityWeights {
  const { prompts, outcomes } = subset(set, keep);
  return fitQualityModel(prompts, outcomes, set.models, options);
}

export interface CvResult {
  dims: number;
  lambda: number;
  logLoss: number;
  /** Out-of-fold log loss per source. */
  bySource: Record<string, number>;
  /** Out-of-fold APGR of the strong-minus-weak gap, per two-model source. */
  apgr: Record<string, number>;
  /** Same, ranking by P(weak model fails) instead: the other score the router could use. */
  apgrWeakFails: Record<string, number>;
}

/** Out-of-fold predictions, one per outcome, for the given options. */
export function outOfFold(set: TrainingSet, options: FitOptions): Float64Array {
  const predictions = new Float64Array(set.outcomes.length);
  for (let fold = 0; fold < FOLDS; fold += 1) {
    const weights = fitOn(set, options, (prompt) => set.folds[prompt] !== fold);
    set.outcomes.forEach((outcome, index) => {
      if (set.folds[outcome.prompt] === fold) predictions[index] = predictOne(weights, set.prompts[outcome.prompt], outcome.model);
    });
  }
  return predictions;
}

/**
 * Out-of-fold predictions for every training prompt and every model (recorded on it or not),
 * keyed by prompt text and canonical model name: what the evaluation's training rows use, so
 * they are not in-sample.
 */
export function outOfFoldTable(set: TrainingSet, options: FitOptions): Map<string, Map<string, number>> {
  const table = new Map<string, Map<string, number>>();
  for (let fold = 0; fold < FOLDS; fold += 1) {
    const weights = fitOn(set, options, (prompt) => set.folds[prompt] !== fold);
    set.prompts.forEach((prompt, index) => {
      if (set.folds[index] !== fold) return;
      const row = table.get(set.examples[index].text) ?? new Map<string, number>();
      set.models.forEach((model, m) => row.set(model, predictOne(weights, prompt, m)));
      table.set(set.examples[index].text, row);
    });
  }
  return table;
}

/** Pairs to score by APGR out of fold: source → [weak, strong] canonical names. */
export type PairSources = Record<string, [string, string]>;

export function crossValidate(set: TrainingSet, options: FitOptions, pairs: PairSources): CvResult {
  const predictions = outOfFold(set, options);
  const loss = { total: 0, count: 0, bySource: new Map<string, { total: number; count: number }>() };
  set.outcomes.forEach((outcome, index) => {
    const q = Math.min(1 - 1e-9, Math.max(1e-9, predictions[index]));
    const value = -(outcome.label * Math.log(q) + (1 - outcome.label) * Math.log(1 - q));
    loss.total += value;
    loss.count += 1;
    const source = set.examples[outcome.prompt].source;
    const entry = loss.bySource.get(source) ?? { total: 0, count: 0 };
    entry.total += value;
    entry.count += 1;
    loss.bySource.set(source, entry);
  });
  const predicted = new Map<string, number>();
  set.outcomes.forEach((outcome, index) => predicted.set(`${outcome.prompt}|${set.models[outcome.model]}`, predictions[index]));
  const apgr: Record<string, number> = {};
  const apgrWeakFails: Record<string, number> = {};
  for (const [source, [weak, strong]] of Object.entries(pairs)) {
    const members = set.examples.map((example, index) => ({ example, index })).filter(({ example }) => example.source === source && weak in example.quality && strong in example.quality);
    if (members.length === 0) continue;
    const outcomes = members.map(({ example }) => ({ weak: example.quality[weak], strong: example.quality[strong] }));
    const scores = members.map(({ index }) => (predicted.get(`${index}|${strong}`) ?? 0) - (predicted.get(`${index}|${weak}`) ?? 0));
    apgr[source] = summarisePair(outcomes, scores).apgr;
    apgrWeakFails[source] = summarisePair(outcomes, members.map(({ index }) => 1 - (predicted.get(`${index}|${weak}`) ?? 0))).apgr;
  }
  return {
    dims: options.dims,
    lambda: options.lambda,
    logLoss: loss.total / loss.count,
    bySource: Object.fromEntries([...loss.bySource].sort((a, b) => a[0].localeCompare(b[0])).map(([source, entry]) => [source, entry.total / entry.count])),
    apgr,
    apgrWeakFails,
  };
}

/** Training prompts' mean embedding, and which words (support table positions) at least `minPrompts` of them use. */
export function trainingStatistics(set: TrainingSet, weights: QualityWeights, minPrompts: number): { meanEmbedding: number[]; seen: boolean[] } {
  const meanEmbedding = new Array<number>(weights.dims).fill(0);
  const counts = new Uint32Array(SUPPORT_BITS);
  set.prompts.forEach((prompt, index) => {
    const projection = project(weights, prompt, standardise(prompt.dense, weights.denseMean, weights.denseStd));
    for (let k = 0; k < weights.dims; k += 1) meanEmbedding[k] += projection.embedding[k] / set.prompts.length;
    for (const key of supportKeys(set.examples[index].text)) counts[key] += 1;
  });
  return { meanEmbedding, seen: Array.from(counts, (count) => count >= minPrompts) };
}
