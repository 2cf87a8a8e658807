/**
 * What the auto strategy needs of a learned quality model. The shipped model (./learned)
 * provides it; the strategy depends only on this shape, so a route runs in complexity mode
 * when no learned model is loaded, and tests can hand in a small one.
 */
import type { ComplexityResult } from './complexity';

export interface PredictorPrompt {
  /** The model's estimate of how hard the prompt is (its own scale). */
  readonly difficulty: number;
}

export interface QualityPredictor {
  readonly version: string;
  /** Once per request; `complexity` is the prompt's score when the caller has it (it is one of the model's features). */
  analyse(text: string, messages: number, complexity?: ComplexityResult): PredictorPrompt;
  /** P(a good answer) for a model the training data knows; undefined when it does not know it. */
  quality(prompt: PredictorPrompt, model: string): number | undefined;
  /** The same for a deployment known only by a configured ability in [0, 1]. */
  qualityAt(prompt: PredictorPrompt, ability: number): number;
  /** How well the training data covers this prompt, in [0, 1]; low means thin data. */
  support(prompt: PredictorPrompt): number;
}
