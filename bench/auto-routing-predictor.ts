/** The shipped learned quality model, for the hybrid-mode figures. */
import { shippedPredictor } from '../src/routing/auto/learned';
import type { QualityPredictor } from '../src/routing/auto/predictor';

export async function loadPredictor(): Promise<QualityPredictor | undefined> {
  return shippedPredictor();
}
