/**
 * The online part of learning: per arm (route × prompt pattern × deployment), what observed
 * quality (feedback scores) says about the model's prediction. Each arm keeps a decayed sum of
 * residuals (observed − predicted); its posterior for the mean residual is normal, shrunk
 * towards 0 by a prior worth `PRIOR_OBSERVATIONS`. Thompson sampling draws from it, so an arm
 * with few observations explores a little and one with many is trusted. Pure: the caller gives
 * the clock and the random source.
 */

export interface ArmStats {
  /** Decayed count of observations. */
  weight: number;
  /** Decayed sum of residuals. */
  residualSum: number;
  /** Decayed sum of observed scores (for reports). */
  scoreSum: number;
  /** When the sums were last decayed (ms). */
  updatedAt: number;
}

export interface Posterior {
  mean: number;
  sd: number;
  /** Effective observations (decayed). */
  observations: number;
}

/** The prior is worth this many observations of residual 0: the offline model is trusted at first. */
export const PRIOR_OBSERVATIONS = 8;
/** Spread of one feedback score around an arm's true quality. */
export const SCORE_NOISE = 0.2;
/** Older observations count half after this long, so a model that changes is relearned. */
export const HALF_LIFE_MS = 7 * 24 * 3600_000;

export function emptyArm(now: number): ArmStats {
  return { weight: 0, residualSum: 0, scoreSum: 0, updatedAt: now };
}

/** The arm's sums as of `now`: every earlier observation decayed by elapsed half-lives. */
export function decayed(arm: ArmStats, now: number, halfLifeMs = HALF_LIFE_MS): ArmStats {
  const elapsed = now - arm.updatedAt;
  if (elapsed <= 0) return arm;
  const factor = 0.5 ** (elapsed / halfLifeMs);
  return { weight: arm.weight * factor, residualSum: arm.residualSum * factor, scoreSum: arm.scoreSum * factor, updatedAt: now };
}

/** A new arm state with one observation added (score and prediction in [0, 1]). */
export function observe(arm: ArmStats, score: number, predicted: number, now: number, halfLifeMs = HALF_LIFE_MS): ArmStats {
  const current = decayed(arm, now, halfLifeMs);
  return { weight: current.weight + 1, residualSum: current.residualSum + (score - predicted), scoreSum: current.scoreSum + score, updatedAt: now };
}

export function posterior(arm: ArmStats | undefined, now: number, halfLifeMs = HALF_LIFE_MS): Posterior {
  if (arm === undefined) return { mean: 0, sd: SCORE_NOISE / Math.sqrt(PRIOR_OBSERVATIONS), observations: 0 };
  const current = decayed(arm, now, halfLifeMs);
  const strength = PRIOR_OBSERVATIONS + current.weight;
  return { mean: current.residualSum / strength, sd: SCORE_NOISE / Math.sqrt(strength), observations: current.weight };
}

/** One Thompson draw of the residual: mean + sd × a standard normal (Box–Muller on two uniforms). */
export function sampleResidual(belief: Posterior, random: () => number): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  const v = random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return belief.mean + belief.sd * normal;
}
