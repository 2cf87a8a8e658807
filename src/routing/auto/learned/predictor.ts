import type { PredictorPrompt, QualityPredictor } from '../predictor';
import { DENSE_FEATURES, promptFeatures, SUPPORT_BITS } from './features';
import { logitOf, project, sigmoid, standardise, type Projection } from './model';
import { decodeBitset, fromModelFile, type QualityModelFile } from './model-file';

/** A prompt analysed once per request; callers read only `difficulty`: d(p) on the model's logit scale, higher is harder for every model. */
export type LearnedPrompt = PredictorPrompt;

/**
 * The shipped model as the auto strategy's QualityPredictor. `version` reads like
 * 'quality-model-v1 (trained 2026-12-06, 48,841 outcomes)'. `quality` knows a model by its name
 * or an alias, case-insensitive. `qualityAt` maps an ability in [0, 1] linearly onto the model's
 * ability scale, 0 the weakest model it knows and 1 the strongest, leaving out the per-model task
 * affinities (an unknown model has none). `support` is the share of the prompt's distinct words
 * (first 4,000 characters) seen in enough training prompts.
 */
export interface LearnedPredictor extends QualityPredictor {
  /** Known models with their abilities on the same [0, 1] scale as `qualityAt`. */
  models(): Array<{ name: string; ability: number }>;
}

interface AnalysedPrompt extends LearnedPrompt {
  readonly projection: Projection;
  readonly support: number;
}

function analysed(prompt: LearnedPrompt): AnalysedPrompt {
  const candidate = prompt as AnalysedPrompt;
  if (candidate.projection === undefined) throw new Error('learned predictor: pass a prompt returned by analyse()');
  return candidate;
}

export function createPredictor(file: QualityModelFile): LearnedPredictor {
  const weights = fromModelFile(file, DENSE_FEATURES);
  if (file.support.bits !== SUPPORT_BITS) throw new Error(`quality model: support table of ${file.support.bits} bits, expected ${SUPPORT_BITS}; rebuild it (npm run train:routing)`);
  const seen = decodeBitset(file.support.seen, SUPPORT_BITS);
  const byName = new Map<string, number>();
  file.models.forEach((model, index) => {
    for (const name of [model.name, ...model.aliases]) byName.set(name.toLowerCase(), index);
  });
  // Effective ability: θ plus the affinities at the average training prompt, so a configured
  // ability (which has no affinities) lands where a known model of that strength would.
  const effective = file.models.map((model) => model.theta + model.affinity.reduce((sum, value, k) => sum + value * (file.meanEmbedding[k] ?? 0), 0));
  const lowest = Math.min(...effective);
  const highest = Math.max(...effective);
  const range = highest > lowest ? highest - lowest : 1;
  const version = `${file.version} (trained ${file.trained}, ${file.outcomes.toLocaleString('en-GB')} outcomes)`;

  return {
    version,
    analyse(text, messages, complexity) {
      const features = promptFeatures(text, messages, weights.buckets, complexity);
      const projection = project(weights, features, standardise(features.dense, weights.denseMean, weights.denseStd));
      const keys = features.supportKeys;
      let known = 0;
      for (const key of keys) known += seen[key];
      const prompt: AnalysedPrompt = { difficulty: projection.difficulty, projection, support: keys.length === 0 ? 0 : known / keys.length };
      return prompt;
    },
    quality(prompt, model) {
      const index = byName.get(model.toLowerCase());
      return index === undefined ? undefined : sigmoid(logitOf(weights, analysed(prompt).projection, index));
    },
    qualityAt(prompt, ability) {
      const clamped = Math.min(1, Math.max(0, Number.isFinite(ability) ? ability : 0));
      return sigmoid(lowest + clamped * range - analysed(prompt).projection.difficulty);
    },
    support(prompt) {
      return analysed(prompt).support;
    },
    models() {
      return file.models.map((model, index) => ({ name: model.name, ability: (effective[index] - lowest) / range }));
    },
  };
}
