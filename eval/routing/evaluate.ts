import { scoreComplexity } from '../../src/routing/auto/complexity';
import { applyBucketRule, fitBucketRule, replay, type ScoredOutcome } from './bucket-rule';
import { learnedMultiPoints, type LearnedRouter } from './learned-router';
import type { MultiDataset, MultiPrompt, PairDataset } from './load';
import { aiq, cheapestReaching, nonDecreasingHull, oracleScores, randomPairSummary, summarisePair, transferThreshold, type CostPoint, type PairSummary, type ThresholdTransfer } from './metrics';
import type { Part } from './split';

/**
 * The evaluation itself, over loaded data: no I/O, so fixtures can drive it. Training and
 * held-out parts are always computed and reported apart; anything fitted (the RouterBench
 * bucket rule) is fitted on training prompts only, and scored on training by cross-validation.
 */

export interface PairRow {
  dataset: string;
  part: Part;
  prompts: number;
  router: string;
  summary: PairSummary;
  /** Held-out rows of threshold routers: the 95% threshold picked on the training part, applied here. */
  transfer?: ThresholdTransfer;
}

export interface MultiRow {
  part: Part;
  /** Tasks in this part, e.g. "arc-challenge+mbpp". */
  tasks: string;
  prompts: number;
  router: string;
  /** The router's operating points (one for a single model or the oracle). */
  points: CostPoint[];
  aiq: number;
  bestQuality: number;
  /** Cheapest point at or above GPT-4's accuracy on the same prompts, as a share of GPT-4's cost. */
  costShareAtGpt4Quality: number | null;
}

/** The complexity score per prompt text, memoised: the scorer is pure, and timing it once is enough. */
export type Scorer = (text: string, messages: number) => number;

export function complexityScorer(): { score: Scorer; decisions: () => number; microseconds: () => number } {
  let decisions = 0;
  let nanoseconds = 0n;
  return {
    score(text, messages) {
      const started = process.hrtime.bigint();
      const result = scoreComplexity({ text, messages });
      nanoseconds += process.hrtime.bigint() - started;
      decisions += 1;
      return result.score;
    },
    decisions: () => decisions,
    microseconds: () => (decisions === 0 ? 0 : Number(nanoseconds) / 1000 / decisions),
  };
}

/** Prompt-length baseline: the longest prompts go to the strong model (characters, as the data README's anchor). */
const promptLength = (text: string): number => text.length;

/**
 * The learned router's two-model score: predicted quality of the strong model minus the weak
 * one's, so the prompts where the strong model should gain most go to it first. Undefined when
 * the predictor does not know both models.
 */
function learnedPairScore(dataset: PairDataset, learned: LearnedRouter | undefined, training: boolean): Scorer | undefined {
  if (learned === undefined) return undefined;
  const probe = learned.predictor.analyse('', 1);
  const known = (model: string) => learned.predictor.quality(probe, model) !== undefined;
  if (!known(dataset.weakModel) || !known(dataset.strongModel)) return undefined;
  return (text, messages) => {
    const models = [dataset.weakModel, dataset.strongModel];
    const [weak, strong] = training ? learned.decideTraining(text, messages, models) : learned.decide(text, messages, models);
    return (strong ?? 0) - (weak ?? 0);
  };
}

/**
 * The shipped learned model was fitted on the training part, so its training rows are either
 * out of fold (when the evaluation has those predictions) or in-sample, and named so.
 */
export const LEARNED = 'learned';
export const LEARNED_IN_SAMPLE = 'learned (in-sample)';
export const LEARNED_CV = 'learned (5-fold CV)';

function learnedName(learned: LearnedRouter, part: Part): string {
  if (part === 'heldout') return LEARNED;
  return learned.crossValidated ? LEARNED_CV : LEARNED_IN_SAMPLE;
}

export function evaluatePairs(dataset: PairDataset, score: Scorer, learned?: LearnedRouter): PairRow[] {
  const rows: PairRow[] = [];
  const learnedScore = learnedPairScore(dataset, learned, false);
  const learnedTrainingScore = learnedPairScore(dataset, learned, true);
  // Each router: its score on held-out prompts, and on training prompts (out of fold for the learned one when available).
  const routers: Array<[string, Scorer, Scorer]> = [
    ['prompt length', (text) => promptLength(text), (text) => promptLength(text)],
    ['complexity', score, score],
    ...(learnedScore === undefined || learnedTrainingScore === undefined ? [] : [[LEARNED, learnedScore, learnedTrainingScore] as [string, Scorer, Scorer]]),
  ];
  const training = dataset.prompts.filter((prompt) => prompt.part === 'train');
  for (const part of ['train', 'heldout'] as const) {
    const prompts = dataset.prompts.filter((prompt) => prompt.part === part);
    if (prompts.length === 0) continue;
    const row = (router: string, summary: PairSummary, transfer?: ThresholdTransfer): PairRow => ({ dataset: dataset.name, part, prompts: prompts.length, router, summary, ...(transfer === undefined ? {} : { transfer }) });
    rows.push(row('random (expected)', randomPairSummary(prompts)));
    for (const [name, heldoutScore, trainingScore] of routers) {
      const scoreOf = part === 'train' ? trainingScore : heldoutScore;
      const scores = prompts.map((prompt) => scoreOf(prompt.text, prompt.messages));
      const transfer =
        part === 'heldout' && training.length > 0
          ? transferThreshold(training, training.map((prompt) => trainingScore(prompt.text, prompt.messages)), prompts, scores)
          : undefined;
      rows.push(row(name === LEARNED && learned !== undefined ? learnedName(learned, part) : name, summarisePair(prompts, scores), transfer));
    }
    rows.push(row('oracle', summarisePair(prompts, oracleScores(prompts))));
  }
  return rows;
}

/** The thresholds an operator would set: sweep the bucket rule's epsilon. */
export const EPSILONS = [0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1];
export const GPT4 = 'gpt-4-1106-preview';
const FOLDS = 5;

function toScored(prompts: readonly MultiPrompt[], scoreOf: (prompt: MultiPrompt) => number): ScoredOutcome[] {
  return prompts.map((prompt) => ({ score: scoreOf(prompt), quality: prompt.quality, cost: prompt.cost }));
}

/**
 * The bucket rule's points on `target`, one per epsilon. With `crossValidate`, the target is
 * the training data itself, scored fold by fold with the rule fitted on the other folds.
 */
function bucketRulePoints(training: readonly ScoredOutcome[], target: readonly ScoredOutcome[], models: readonly string[], crossValidate: boolean): CostPoint[] {
  return EPSILONS.map((epsilon) => {
    if (!crossValidate) {
      const rule = fitBucketRule(training, models, epsilon);
      return replay(target, (outcome) => applyBucketRule(rule, outcome.score));
    }
    const rules = Array.from({ length: FOLDS }, (_, fold) => fitBucketRule(training.filter((_, index) => index % FOLDS !== fold), models, epsilon));
    return replay(target, (outcome, index) => applyBucketRule(rules[index % FOLDS], outcome.score));
  });
}

export function evaluateMulti(dataset: MultiDataset, score: Scorer, learned?: LearnedRouter): MultiRow[] {
  const { models } = dataset;
  const training = dataset.prompts.filter((prompt) => prompt.part === 'train');
  const scoredBy = (scoreOf: (prompt: MultiPrompt) => number) => ({ training: toScored(training, scoreOf), scoreOf });
  const routers = {
    complexity: scoredBy((prompt) => score(prompt.text, 1)),
    'prompt length': scoredBy((prompt) => promptLength(prompt.text)),
  };
  const rows: MultiRow[] = [];
  for (const part of ['train', 'heldout'] as const) {
    const prompts = dataset.prompts.filter((prompt) => prompt.part === part);
    if (prompts.length === 0) continue;
    const tasks = [...new Set(prompts.map((prompt) => prompt.task))].join('+');
    const singles = models.map((model) => ({ model, point: replay(toScored(prompts, () => 0), () => model) }));
    const cheapest = singles.reduce((a, b) => (b.point.cost < a.point.cost ? b : a));
    const dearest = singles.reduce((a, b) => (b.point.cost > a.point.cost ? b : a));
    const gpt4 = singles.find((single) => single.model === GPT4)?.point;
    const best = singles.reduce((a, b) => (b.point.quality > a.point.quality ? b : a));
    const row = (router: string, points: CostPoint[], withCheapest = true): MultiRow => {
      // Any router can send everything to the cheapest model, so its curve starts there.
      const curve = withCheapest ? [cheapest.point, ...points] : points;
      const reaching = gpt4 === undefined ? null : cheapestReaching(points, gpt4.quality);
      return {
        part,
        tasks,
        prompts: prompts.length,
        router,
        points,
        aiq: aiq(curve, cheapest.point.cost, dearest.point.cost),
        bestQuality: Math.max(...points.map((point) => point.quality)),
        costShareAtGpt4Quality: reaching === null || gpt4 === undefined ? null : reaching.cost / gpt4.cost,
      };
    };
    rows.push(row(`best single model (${best.model})`, [best.point]));
    if (gpt4 !== undefined && best.model !== GPT4) rows.push(row(GPT4, [gpt4]));
    rows.push(row(`cheapest model (${cheapest.model})`, [cheapest.point]));
    rows.push(row('random (uniform over models, expected)', [meanPoint(singles.map((single) => single.point))]));
    rows.push(row('zero router (hull of single models)', nonDecreasingHull(singles.map((single) => single.point)), false));
    for (const [name, router] of Object.entries(routers)) {
      const target = toScored(prompts, router.scoreOf);
      rows.push(row(`${name} buckets${part === 'train' ? ' (5-fold CV)' : ''}`, bucketRulePoints(router.training, target, models, part === 'train')));
    }
    if (learned !== undefined) rows.push(row(learnedName(learned, part), learnedMultiPoints(learned, training, prompts, models, part === 'train')));
    rows.push(row('oracle (cheapest correct model)', [replay(toScored(prompts, () => 0), (outcome) => oracleChoice(outcome, models))]));
  }
  return rows;
}

function meanPoint(points: readonly CostPoint[]): CostPoint {
  return {
    cost: points.reduce((sum, point) => sum + point.cost, 0) / points.length,
    quality: points.reduce((sum, point) => sum + point.quality, 0) / points.length,
  };
}

/** Per prompt, the cheapest model with the best recorded quality (the cheapest overall when none is right). */
export function oracleChoice(outcome: ScoredOutcome, models: readonly string[]): string {
  let choice = models[0];
  for (const model of models) {
    const better = (outcome.quality[model] ?? 0) > (outcome.quality[choice] ?? 0);
    const asGoodAndCheaper = (outcome.quality[model] ?? 0) === (outcome.quality[choice] ?? 0) && (outcome.cost[model] ?? 0) < (outcome.cost[choice] ?? 0);
    if (better || asGoodAndCheaper) choice = model;
  }
  return choice;
}

