import type { ComplexityResult } from '../complexity';
import { DENSE_FEATURES, promptFeatures, SUPPORT_BITS } from './features';
import { logitOf, project, sigmoid, standardise, type Projection } from './model';
import { decodeBitset, fromModelFile, type QualityModelFile } from './model-file';

/** A prompt analysed once per request; callers read only `difficulty`. */
export interface LearnedPrompt {
  /** The model's difficulty d(p), on its logit scale: higher is harder for every model. */
  readonly difficulty: number;
}

export interface LearnedPredictor {
  /** E.g. 'quality-model-v1 (trained 2026-12-06, 49,617 outcomes)'. */
  readonly version: string;
  /** Featurise and project the prompt: once per request. */
  /** `complexity`: the prompt's complexity score when the caller has it already (it is a feature). */
  analyse(text: string, messages: number, complexity?: ComplexityResult): LearnedPrompt;
  /** P(good answer) in [0, 1] for a model the training data knows (its name or an alias, case-insensitive); undefined when unknown. */
  quality(prompt: LearnedPrompt, model: string): number | undefined;
  /**
   * Same, for a deployment known only by a configured ability in [0, 1]. Abilities map
   * linearly onto the model's ability scale: 0 is the weakest model it knows, 1 the strongest
   * (see `models()`); the per-model task affinities are left out, since an unknown model has none.
   */
  qualityAt(prompt: LearnedPrompt, ability: number): number;
  /** Share of the prompt's distinct words (first 4,000 characters) seen in enough training prompts, in [0, 1]; low means thin data. */
  support(prompt: LearnedPrompt): number;
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
