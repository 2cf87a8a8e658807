/**
 * Confidence: the estimated probability that the answer is within the policy's tolerance of
 * the truth. A logistic model over a few features of the decision, with coefficients fitted on
 * the training replay (eval/sources/calibrate.ts writes confidence-table.ts) and signs fixed so
 * that more agreement, more sources and more trust can only raise it.
 */
import { CONFIDENCE_TABLE } from './confidence-table';

/** What a fused decision looked like, in scale-free terms. */
export interface ConfidenceFeatures {
  /** Spread of the kept readings around the answer, in tolerance units. */
  spread: number;
  /** Readings used (share > 0). */
  used: number;
  /** Share-weighted trust of the used readings (0..1). */
  trust: number;
  /** Share of offered readings not used (rejected, stale, open, probing). */
  unused: number;
  /** Distance from the answer to the plain median of all fresh readings, in tolerance units. */
  offMedian: number;
  /** Largest distance of a fresh reading from the answer, in tolerance units (one outlier moves a median too). */
  farthest: number;
  /** Largest distance of a fresh reading from what that source usually reads against the answer, in tolerance units. */
  surprise: number;
}

/** Feature vector in the order of CONFIDENCE_TABLE.weights (after the intercept). */
export function featureVector(features: ConfidenceFeatures): number[] {
  const spread = Math.log1p(features.spread);
  // Disagreement matters most when part of the panel is missing from the answer: then the
  // stand-ins and the remaining sources can land far from where the whole panel would be.
  return [spread, Math.min(features.used, 5), features.trust, features.unused, Math.log1p(features.offMedian), features.unused > 0 ? spread : 0, Math.log1p(features.farthest), Math.log1p(features.surprise)];
}

/** Signs every fitted weight must keep (spread, used, trust, unused, offMedian, spread when incomplete, farthest, surprise). */
export const FEATURE_SIGNS = [-1, 1, 1, -1, -1, -1, -1, -1] as const;

export function confidenceOf(features: ConfidenceFeatures, table: { intercept: number; weights: readonly number[] } = CONFIDENCE_TABLE): number {
  const x = featureVector(features);
  let z = table.intercept;
  for (let i = 0; i < x.length; i++) z += table.weights[i] * x[i];
  return 1 / (1 + Math.exp(-z));
}

/**
 * Confidence of a synthetic value: the chance a normal error of `sigma` stays within
 * `tolerance`, capped below any fused answer's typical confidence: a forecast is a guess.
 */
export function syntheticConfidence(tolerance: number, sigma: number): number {
  const p = erf(tolerance / (Math.max(sigma, Number.EPSILON) * Math.SQRT2));
  return Math.min(SYNTHETIC_CAP, p);
}

export const SYNTHETIC_CAP = 0.5;

/** Abramowitz–Stegun 7.1.26 (error below 1.5e-7), for x ≥ 0. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return y;
}
