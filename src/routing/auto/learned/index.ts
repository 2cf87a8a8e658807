/**
 * The learned router's quality predictor: a small item-response model trained offline on
 * recorded outcomes (the training part of the routing evaluation data) and shipped as
 * `quality-model.json`; `npm run train:routing` rebuilds it. No I/O per request: the model is
 * decoded once, and a prediction is a few hundred multiply-adds over hashed words.
 */
import shipped from './quality-model.json' with { type: 'json' };
import { createPredictor, type LearnedPredictor } from './predictor';
import type { QualityModelFile } from './model-file';

export { createPredictor, type LearnedPredictor, type LearnedPrompt } from './predictor';
export type { QualityModelFile } from './model-file';

let memo: LearnedPredictor | undefined;

/**
 * The shipped model, decoded on first use. Imported as JSON rather than read from disk beside
 * the module: the CLI and the library are bundled into dist/, where a file next to this source
 * would not be, while the bundler inlines an import and tsx and vitest resolve it in place.
 */
export function shippedPredictor(): LearnedPredictor {
  memo ??= createPredictor(shipped as unknown as QualityModelFile);
  return memo;
}
