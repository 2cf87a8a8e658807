/**
 * Trust per source and metric: a number in (0, 1] learned from how well the source agrees
 * with the others, drifting back to a neutral prior while it is not compared (so a source that
 * was wrong long ago is not punished forever, nor one that was right long ago believed
 * forever), and scaled by the health its connector reports.
 */
import type { HealthReport } from './types';

/** Where trust starts, and where it drifts back to. */
export const TRUST_PRIOR = 0.6;
/** Trust never reaches 0: a source that was wrong still breaks ties when it is alone. */
export const TRUST_MIN = 0.02;

/** Trust after `elapsedMs` without comparison, decayed towards the prior. */
export function decayedTrust(trust: number, elapsedMs: number, halfLifeMs: number): number {
  if (elapsedMs <= 0 || halfLifeMs <= 0) return trust;
  return TRUST_PRIOR + (trust - TRUST_PRIOR) * 2 ** (-elapsedMs / halfLifeMs);
}

/**
 * How much one round's reading agreed with the others, from its distance to them in robust
 * sigmas: 1 at zero, ½ at two sigmas, near 0 far out. Cauchy-shaped so one spike costs little.
 */
export function agreement(sigmas: number): number {
  const half = sigmas / 2;
  return 1 / (1 + half * half);
}

/** Trust after one round with this agreement; `rate` is the weight of the new round. */
export function learnTrust(trust: number, agreed: number, rate: number): number {
  return Math.min(1, Math.max(TRUST_MIN, trust + rate * (agreed - trust)));
}

/**
 * Health score (0..1) from a connector's report: fresh, error-free, complete data scores 1.
 * Latency is reported but does not lower the score: a slow source is not a wrong one.
 */
export function healthScore(report: HealthReport, maxStalenessMs: number): number {
  let score = 1;
  if (report.freshnessLagSec !== undefined && maxStalenessMs > 0) {
    // Lag within the staleness budget costs little; beyond it the score falls off quickly.
    score *= Math.exp(-Math.max(0, report.freshnessLagSec * 1000) / maxStalenessMs);
  }
  if (report.errorRateWin !== undefined) score *= 1 - Math.min(1, Math.max(0, report.errorRateWin));
  if (report.completenessPct !== undefined) score *= Math.min(100, Math.max(0, report.completenessPct)) / 100;
  return Math.max(0, Math.min(1, score));
}
