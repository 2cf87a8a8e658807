import type { LearnedPredictor, LearnedPrompt } from '../../src/routing/auto/learned';
import { canonicalModel } from './learned-data';
import type { CostPoint } from './metrics';
import type { MultiPrompt } from './load';

/**
 * The learned router as the evaluation replays it. One decision = one `analyse` of the prompt
 * plus one `quality` per candidate model, timed together, as a request would pay for it.
 */
export interface LearnedRouter {
  predictor: LearnedPredictor;
  /** True when training prompts are scored out of fold (see `outOfFold`), not in-sample. */
  crossValidated: boolean;
  /** Predicted quality of each named model on the prompt; undefined for a model it does not know. */
  decide(text: string, messages: number, models: readonly string[]): Array<number | undefined>;
  /** Same for a training prompt: out of fold when the router has those predictions, else in-sample. */
  decideTraining(text: string, messages: number, models: readonly string[]): Array<number | undefined>;
  decisions(): number;
  microseconds(): number;
}

/**
 * `outOfFold`: prompt text → canonical model → quality predicted by a model fitted without that
 * prompt's fold (`outOfFoldTable`), for the training part's rows.
 */
export function learnedRouter(predictor: LearnedPredictor, outOfFold?: ReadonlyMap<string, ReadonlyMap<string, number>>): LearnedRouter {
  let decisions = 0;
  let nanoseconds = 0n;
  const decide = (text: string, messages: number, models: readonly string[]): Array<number | undefined> => {
    const started = process.hrtime.bigint();
    const prompt: LearnedPrompt = predictor.analyse(text, messages);
    const qualities = models.map((model) => predictor.quality(prompt, model));
    nanoseconds += process.hrtime.bigint() - started;
    decisions += 1;
    return qualities;
  };
  return {
    predictor,
    crossValidated: outOfFold !== undefined,
    decide,
    decideTraining(text, messages, models) {
      const row = outOfFold?.get(text);
      if (outOfFold === undefined) return decide(text, messages, models);
      return models.map((model) => row?.get(canonicalModel(model)));
    },
    decisions: () => decisions,
    microseconds: () => (decisions === 0 ? 0 : Number(nanoseconds) / 1000 / decisions),
  };
}

/** Quality-per-cost trade-offs swept for the many-model curve: λ in quality per mean GPT-4-sized cost. */
export const LAMBDAS = [0, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5];

/**
 * Per prompt, the model maximising predicted quality − λ · expected cost, for each λ. The
 * expected cost is the model's mean recorded cost on the training prompts (what an operator
 * knows from prices), scaled by the dearest model's, so λ reads as quality given up per
 * dearest-model call; the prompt's own recorded cost would leak the answer's length.
 */
export function learnedMultiPoints(router: LearnedRouter, training: readonly MultiPrompt[], prompts: readonly MultiPrompt[], models: readonly string[], isTraining: boolean): CostPoint[] {
  const expected = models.map((model) => training.reduce((sum, prompt) => sum + (prompt.cost[model] ?? 0), 0) / Math.max(1, training.length));
  const dearest = Math.max(...expected, Number.MIN_VALUE);
  const predicted = prompts.map((prompt) => (isTraining ? router.decideTraining(prompt.text, 1, models) : router.decide(prompt.text, 1, models)));
  return LAMBDAS.map((lambda) => {
    let quality = 0;
    let cost = 0;
    prompts.forEach((prompt, index) => {
      let choice = -1;
      let best = -Infinity;
      predicted[index].forEach((q, m) => {
        if (q === undefined) return;
        const value = q - (lambda * expected[m]) / dearest;
        if (value > best) {
          best = value;
          choice = m;
        }
      });
      if (choice < 0) return;
      quality += prompt.quality[models[choice]] ?? 0;
      cost += prompt.cost[models[choice]] ?? 0;
    });
    return { cost: cost / prompts.length, quality: quality / prompts.length };
  });
}
