import type { PromptFeatures } from './features';

/**
 * The quality model, in memory: an item-response model of the kind used to grade exams.
 *
 *   P(model m answers prompt p well) = σ(θ_m − d(p) + Σ_k u_mk · e_k(p) + s_m · z(p))
 *
 * θ_m is the model's ability, d(p) = w · x(p) the prompt's difficulty, and the few e_k(p) =
 * v_k · x(p) are "kinds of task" on which models differ beyond their overall ability (a coder
 * against a chat model), with u_mk each model's affinity for them. x(p) is the hashed text plus
 * the standardised dense features z(p) (length, markers, pattern), on which each model also
 * has its own slopes s_m: "the strong model pulls ahead on long prompts" is one of them. One difficulty shared by every model is what lets data on
 * one pair of models (MMLU, GSM8K) inform another (RouterBench's eleven).
 */
export interface QualityWeights {
  buckets: number;
  /** Interaction dimensions K (0 = plain one-parameter model). */
  dims: number;
  denseMean: Float64Array;
  denseStd: Float64Array;
  /** buckets + dense weights of d(p). */
  difficulty: Float64Array;
  /** K vectors of buckets + dense weights, one per interaction dimension. */
  interaction: Float64Array[];
  models: string[];
  theta: Float64Array;
  /** models × K affinities, row-major. */
  affinity: Float64Array;
  /** models × dense-feature slopes, row-major. */
  slopes: Float64Array;
}

/** A prompt as the model sees it: its difficulty and its position on the interaction dimensions. */
export interface Projection {
  difficulty: number;
  embedding: Float64Array;
  /** The standardised dense features, for the per-model slopes. */
  dense: Float64Array;
}

/** The dense features standardised with the training mean and deviation. */
export function standardise(dense: Float64Array, mean: Float64Array, std: Float64Array): Float64Array {
  return Float64Array.from(dense, (value, index) => (value - mean[index]) / std[index]);
}

function dot(weights: Float64Array, buckets: number, features: Pick<PromptFeatures, 'indices' | 'values'>, dense: Float64Array): number {
  let sum = 0;
  for (let index = 0; index < features.indices.length; index += 1) sum += weights[features.indices[index]] * features.values[index];
  for (let index = 0; index < dense.length; index += 1) sum += weights[buckets + index] * dense[index];
  return sum;
}

/** `dense` already standardised. */
export function project(weights: QualityWeights, features: Pick<PromptFeatures, 'indices' | 'values'>, dense: Float64Array): Projection {
  const embedding = new Float64Array(weights.dims);
  for (let k = 0; k < weights.dims; k += 1) embedding[k] = dot(weights.interaction[k], weights.buckets, features, dense);
  return { difficulty: dot(weights.difficulty, weights.buckets, features, dense), embedding, dense };
}

export function sigmoid(logit: number): number {
  return logit >= 0 ? 1 / (1 + Math.exp(-logit)) : Math.exp(logit) / (1 + Math.exp(logit));
}

export function logitOf(weights: QualityWeights, projection: Projection, model: number): number {
  let logit = weights.theta[model] - projection.difficulty;
  for (let k = 0; k < weights.dims; k += 1) logit += weights.affinity[model * weights.dims + k] * projection.embedding[k];
  const width = projection.dense.length;
  for (let j = 0; j < width; j += 1) logit += weights.slopes[model * width + j] * projection.dense[j];
  return logit;
}
