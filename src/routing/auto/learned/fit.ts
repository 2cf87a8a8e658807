import { logitOf, project, sigmoid, standardise, type QualityWeights } from './model';

/**
 * Fitting the quality model (see `model.ts`) to recorded outcomes: full-batch Adam on the mean
 * cross-entropy plus an L2 penalty λ on every weight but the abilities θ. Labels may be soft
 * (a judge's win probability). Offline only; deterministic: the only "random" start is a fixed
 * linear congruential sequence, and every sum runs in the same order each time.
 */

export interface TrainingPrompt {
  indices: Int32Array;
  values: Float64Array;
  /** Raw dense features; the fit standardises them and keeps the mean and deviation. */
  dense: Float64Array;
}

export interface TrainingOutcome {
  prompt: number;
  model: number;
  /** Quality in [0, 1]: correctness, or a probability. */
  label: number;
}

export interface FitOptions {
  buckets: number;
  dims: number;
  lambda: number;
  /** L2 on the hashed-word weights, when it should differ from `lambda` (which then covers the dense weights, affinities and slopes). */
  hashedLambda?: number;
  epochs: number;
  learningRate: number;
}

export const DEFAULT_FIT: Omit<FitOptions, 'buckets' | 'dims' | 'lambda'> = { epochs: 200, learningRate: 0.05 };

/** A fixed sequence in (−1, 1): small, asymmetric starting points for the interaction weights. */
function startingValues(length: number, scale: number): Float64Array {
  let state = 12345;
  return Float64Array.from({ length }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return ((state / 0x100000000) * 2 - 1) * scale;
  });
}

function denseStatistics(prompts: readonly TrainingPrompt[], width: number): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  for (const prompt of prompts) for (let index = 0; index < width; index += 1) mean[index] += prompt.dense[index] / prompts.length;
  for (const prompt of prompts) for (let index = 0; index < width; index += 1) std[index] += (prompt.dense[index] - mean[index]) ** 2 / prompts.length;
  // A constant feature (say, every prompt has one message) gets deviation 1, so it stays 0 after centring.
  for (let index = 0; index < width; index += 1) std[index] = std[index] > 1e-12 ? Math.sqrt(std[index]) : 1;
  return { mean, std };
}

export function fitQualityModel(prompts: readonly TrainingPrompt[], outcomes: readonly TrainingOutcome[], models: readonly string[], options: FitOptions): QualityWeights {
  if (prompts.length === 0 || outcomes.length === 0) throw new Error('fitQualityModel: no training data');
  const { buckets, dims, lambda, epochs, learningRate } = options;
  const hashedLambda = options.hashedLambda ?? lambda;
  const width = prompts[0].dense.length;
  const { mean, std } = denseStatistics(prompts, width);
  const dense = prompts.map((prompt) => standardise(prompt.dense, mean, std));
  const span = buckets + width;
  const M = models.length;

  // All parameters in one vector for Adam: [difficulty | interaction × K | θ | affinity | slopes].
  const slopesAt = span * (1 + dims) + M + M * dims;
  const size = slopesAt + M * width;
  const params = new Float64Array(size);
  params.set(startingValues(span * dims, 0.01), span);
  params.set(startingValues(M * dims, 0.5), span * (1 + dims) + M);
  const thetaAt = span * (1 + dims);
  for (let m = 0; m < M; m += 1) {
    const labels = outcomes.filter((outcome) => outcome.model === m).map((outcome) => outcome.label);
    const rate = labels.length === 0 ? 0.5 : labels.reduce((sum, label) => sum + label, 0) / labels.length;
    params[thetaAt + m] = Math.log(Math.min(0.99, Math.max(0.01, rate)) / (1 - Math.min(0.99, Math.max(0.01, rate))));
  }
  const weights = (): QualityWeights => ({
    buckets,
    dims,
    denseMean: mean,
    denseStd: std,
    difficulty: params.subarray(0, span),
    interaction: Array.from({ length: dims }, (_, k) => params.subarray(span * (1 + k), span * (2 + k))),
    models: [...models],
    theta: params.subarray(thetaAt, thetaAt + M),
    affinity: params.subarray(thetaAt + M, slopesAt),
    slopes: params.subarray(slopesAt, size),
  });
  const view = weights();

  const gradient = new Float64Array(size);
  const first = new Float64Array(size);
  const second = new Float64Array(size);
  const promptDifficultyGrad = new Float64Array(prompts.length);
  const promptEmbeddingGrad = new Float64Array(prompts.length * dims);
  const n = outcomes.length;

  for (let epoch = 0; epoch < epochs; epoch += 1) {
    gradient.fill(0);
    promptDifficultyGrad.fill(0);
    promptEmbeddingGrad.fill(0);
    const projections = prompts.map((prompt, index) => project(view, prompt, dense[index]));
    for (const outcome of outcomes) {
      const projection = projections[outcome.prompt];
      const g = (sigmoid(logitOf(view, projection, outcome.model)) - outcome.label) / n;
      gradient[thetaAt + outcome.model] += g;
      promptDifficultyGrad[outcome.prompt] -= g;
      for (let k = 0; k < dims; k += 1) {
        promptEmbeddingGrad[outcome.prompt * dims + k] += g * view.affinity[outcome.model * dims + k];
        gradient[thetaAt + M + outcome.model * dims + k] += g * projection.embedding[k];
      }
      for (let j = 0; j < width; j += 1) gradient[slopesAt + outcome.model * width + j] += g * projection.dense[j];
    }
    prompts.forEach((prompt, p) => {
      for (let part = 0; part <= dims; part += 1) {
        const g = part === 0 ? promptDifficultyGrad[p] : promptEmbeddingGrad[p * dims + part - 1];
        if (g === 0) continue;
        const offset = span * part;
        for (let index = 0; index < prompt.indices.length; index += 1) gradient[offset + prompt.indices[index]] += g * prompt.values[index];
        for (let index = 0; index < width; index += 1) gradient[offset + buckets + index] += g * dense[p][index];
      }
    });
    // Adam, with the step shrinking linearly to a tenth so the last epochs settle.
    const step = learningRate * (1 - (0.9 * epoch) / epochs);
    const firstCorrection = 1 - 0.9 ** (epoch + 1);
    const secondCorrection = 1 - 0.999 ** (epoch + 1);
    for (let index = 0; index < size; index += 1) {
      const penalty = index < thetaAt ? (index % span < buckets ? hashedLambda : lambda) : index >= thetaAt + M ? lambda : 0;
      const g = gradient[index] + 2 * penalty * params[index];
      first[index] = 0.9 * first[index] + 0.1 * g;
      second[index] = 0.999 * second[index] + 0.001 * g * g;
      params[index] -= (step * (first[index] / firstCorrection)) / (Math.sqrt(second[index] / secondCorrection) + 1e-8);
    }
  }
  // Copies, so the returned weights do not alias the optimiser's buffer.
  const result = weights();
  return {
    ...result,
    difficulty: Float64Array.from(result.difficulty),
    interaction: result.interaction.map((vector) => Float64Array.from(vector)),
    theta: Float64Array.from(result.theta),
    affinity: Float64Array.from(result.affinity),
    slopes: Float64Array.from(result.slopes),
  };
}

/** Mean cross-entropy of `weights` on outcomes (for cross-validation). */
export function logLoss(weights: QualityWeights, prompts: readonly TrainingPrompt[], outcomes: readonly TrainingOutcome[]): number {
  const projections = new Map<number, ReturnType<typeof project>>();
  let total = 0;
  for (const outcome of outcomes) {
    let projection = projections.get(outcome.prompt);
    if (projection === undefined) {
      const prompt = prompts[outcome.prompt];
      projection = project(weights, prompt, standardise(prompt.dense, weights.denseMean, weights.denseStd));
      projections.set(outcome.prompt, projection);
    }
    const q = Math.min(1 - 1e-9, Math.max(1e-9, sigmoid(logitOf(weights, projection, outcome.model))));
    total -= outcome.label * Math.log(q) + (1 - outcome.label) * Math.log(1 - q);
  }
  return total / outcomes.length;
}
