/**
 * Anomaly detection per deployment, pure (the clock comes with every call): for latency and
 * for the error rate, a slow EWMA baseline (mean and variance) and a fast EWMA of what is
 * happening now; the anomaly score is how many standard errors the recent level sits above the
 * baseline (a one-sided z-score: only slower or more failing is anomalous).
 *
 * It answers sooner than the SLA thresholds and the breaker do, because it compares a
 * deployment with its own normal rather than with fixed limits over a window: a deployment that
 * usually answers in 80 ms and now takes 300, or that never fails and now failed twice, stands
 * out after a few requests. Guards against false alarms:
 * - a warm-up: no score before `minimumSamples` observations;
 * - spreads never below a floor (a share of the mean latency; a minimum error rate), so a very
 *   steady deployment is not alarming for one ordinary wobble;
 * - one outlier is clipped to six spreads above the mean before it is averaged in;
 * - while a signal is anomalous (z ≥ 3) its baseline learns ten times slower, so an anomaly is
 *   not quickly taken for the new normal (a lasting change still is, in time);
 * - with no new samples the recent level decays back to the baseline (`recoveryMs`), so a
 *   deployment whose weight was lowered is not held anomalous for want of traffic.
 */

export interface AnomalySettings {
  enabled: boolean;
  /** Observations of a deployment before it is scored. */
  minimumSamples: number;
  /** EWMA factor of the baseline (slow). */
  baselineSmoothing: number;
  /** EWMA factor of the recent level (fast). */
  recentSmoothing: number;
  /** The latency spread is at least this share of the mean latency. */
  latencySpreadFloor: number;
  /** The error rate's spread is taken at an error rate of at least this. */
  errorRateFloor: number;
  /** Without samples, the recent level's excess over the baseline shrinks by a factor e every this long. */
  recoveryMs: number;
  /** The weight factor put on an anomalous deployment (weighted and adaptive routes); 1 leaves weights alone. */
  weightFactor: number;
}

export const DEFAULT_ANOMALY_SETTINGS: Readonly<AnomalySettings> = Object.freeze({
  enabled: true,
  minimumSamples: 20,
  baselineSmoothing: 0.02,
  recentSmoothing: 0.1,
  latencySpreadFloor: 0.25,
  errorRateFloor: 0.05,
  recoveryMs: 60_000,
  weightFactor: 0.25,
});

/** One deployment's anomaly scores now. */
export interface AnomalyScore {
  /** The larger of the two. */
  z: number;
  latencyZ: number;
  errorZ: number;
  samples: number;
  /** Baseline and recent latency (ms) and error rate, for reports. */
  baselineLatencyMs: number;
  recentLatencyMs: number;
  baselineErrorRate: number;
  recentErrorRate: number;
}

/** A baseline and a recent level of one signal. */
interface Level {
  samples: number;
  mean: number;
  variance: number;
  recent: number;
}

interface DeploymentLevels {
  samples: number;
  latency: Level;
  errors: Level;
  lastAt: number;
}

/** Six spreads: the most one sample may move the averages. */
const CLIP_SPREADS = 6;
/** From this z on, a signal's baseline learns at a tenth of its pace. */
const ANOMALOUS_Z = 3;
const ANOMALOUS_PACE = 0.1;

export class AnomalyDetector {
  readonly #deployments = new Map<string, DeploymentLevels>();

  constructor(readonly settings: AnomalySettings = DEFAULT_ANOMALY_SETTINGS) {}

  /** One finished attempt of the deployment. A failure's latency says how fast it failed, so only successes feed latency. */
  observe(deployment: string, attempt: { latencyMs: number; success: boolean }, now: number): void {
    let levels = this.#deployments.get(deployment);
    if (levels === undefined) this.#deployments.set(deployment, (levels = { samples: 0, latency: newLevel(), errors: newLevel(), lastAt: now }));
    // Decay first, so the time without samples counts before the new one is added.
    this.#decay(levels, now);
    levels.samples += 1;
    levels.lastAt = now;
    const warm = levels.samples > this.settings.minimumSamples;
    this.#add(levels.errors, attempt.success ? 0 : 1, Number.POSITIVE_INFINITY, warm && this.#errorZ(levels.errors.recent, levels.errors.mean) >= ANOMALOUS_Z);
    if (attempt.success && Number.isFinite(attempt.latencyMs) && attempt.latencyMs >= 0) {
      const { latency } = levels;
      const spread = this.#latencySpread(latency);
      const anomalous = warm && latency.samples > 0 && this.#latencyZ(latency.recent, latency) >= ANOMALOUS_Z;
      this.#add(latency, attempt.latencyMs, latency.samples === 0 ? Number.POSITIVE_INFINITY : latency.mean + CLIP_SPREADS * spread, anomalous);
    }
  }

  /** The deployment's scores at `now`, or undefined while it is warming up (or unknown). */
  score(deployment: string, now: number): AnomalyScore | undefined {
    const levels = this.#deployments.get(deployment);
    if (levels === undefined || levels.samples < this.settings.minimumSamples) return undefined;
    const decay = Math.exp(-Math.max(0, now - levels.lastAt) / this.settings.recoveryMs);
    const recentLatency = levels.latency.mean + (levels.latency.recent - levels.latency.mean) * decay;
    const recentErrors = levels.errors.mean + (levels.errors.recent - levels.errors.mean) * decay;
    const latencyZ = levels.latency.samples === 0 ? 0 : this.#latencyZ(recentLatency, levels.latency);
    const errorZ = this.#errorZ(recentErrors, levels.errors.mean);
    return {
      z: Math.max(latencyZ, errorZ),
      latencyZ,
      errorZ,
      samples: levels.samples,
      baselineLatencyMs: levels.latency.mean,
      recentLatencyMs: recentLatency,
      baselineErrorRate: levels.errors.mean,
      recentErrorRate: recentErrors,
    };
  }

  deployments(): string[] {
    return [...this.#deployments.keys()];
  }

  /** The standard error of a fast EWMA of samples with the baseline's spread, per unit of spread. */
  #scale(): number {
    return Math.sqrt(this.settings.recentSmoothing / (2 - this.settings.recentSmoothing));
  }

  #latencyZ(recent: number, level: Level): number {
    return Math.max(0, (recent - level.mean) / (this.#latencySpread(level) * this.#scale()));
  }

  /** A Bernoulli spread at the baseline's error rate, kept off 0 and 1 by the floor. */
  #errorZ(recent: number, mean: number): number {
    const rate = Math.min(1 - this.settings.errorRateFloor, Math.max(this.settings.errorRateFloor, mean));
    return Math.max(0, (recent - mean) / (Math.sqrt(rate * (1 - rate)) * this.#scale()));
  }

  #latencySpread(level: Level): number {
    return Math.max(Math.sqrt(level.variance), this.settings.latencySpreadFloor * level.mean, 1);
  }

  /** EWMA mean and variance of the baseline, and the recent level; both average plainly over their first samples. */
  #add(level: Level, raw: number, ceiling: number, anomalous: boolean): void {
    const sample = Math.min(raw, ceiling);
    level.samples += 1;
    const slow = Math.max(this.settings.baselineSmoothing, 1 / level.samples) * (anomalous ? ANOMALOUS_PACE : 1);
    const fast = Math.max(this.settings.recentSmoothing, 1 / level.samples);
    const difference = sample - level.mean;
    level.mean += slow * difference;
    level.variance = (1 - slow) * (level.variance + slow * difference * difference);
    level.recent += fast * (sample - level.recent);
  }

  /** Carries the decay of the time without samples into the recent levels. */
  #decay(levels: DeploymentLevels, now: number): void {
    const decay = Math.exp(-Math.max(0, now - levels.lastAt) / this.settings.recoveryMs);
    for (const level of [levels.latency, levels.errors]) level.recent = level.mean + (level.recent - level.mean) * decay;
  }
}

function newLevel(): Level {
  return { samples: 0, mean: 0, variance: 0, recent: 0 };
}
