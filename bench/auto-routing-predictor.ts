/** The shipped learned quality model, when this build has one. */
import type { QualityPredictor } from '../src/routing/auto/predictor';

export async function loadPredictor(): Promise<QualityPredictor | undefined> {
  return undefined;
}
