/**
 * The adaptive strategy's tuning: how fast weights follow what is observed (learning rate), how
 * far one update may move a weight (stability), the share every deployment keeps so it is still
 * explored (floor), and how much each signal counts. Every field has a default; a route sets
 * any of them in `strategyOptions.adaptive` (validated by config/routing-options-schema.ts).
 */

/** How much each signal counts in a deployment's score (exponents of a weighted geometric mean). */
export interface MetricWeights {
  latency: number;
  throughput: number;
  success: number;
  /** Caller feedback in [0, 1]; ignored while no deployment of the route has any. */
  quality: number;
}

export interface AdaptiveSettings {
  /** w ← (1 − learningRate)·w + learningRate·target on every observation, in (0, 1]. */
  learningRate: number;
  /** The most one update may change a weight, as a share of that weight (0.2 = ±20%). */
  stability: number;
  /** The share of traffic every deployment keeps, so a bad one is still sampled and its recovery seen. */
  floor: number;
  /** Exponent on the score before it becomes a target share: higher exploits the best harder. */
  sharpness: number;
  /** EWMA factor of each deployment's latency, throughput, success and quality. */
  smoothing: number;
  metricWeights: MetricWeights;
}

export const DEFAULT_ADAPTIVE_SETTINGS: Readonly<AdaptiveSettings> = Object.freeze({
  learningRate: 0.1,
  stability: 0.2,
  floor: 0.05,
  sharpness: 4,
  smoothing: 0.2,
  metricWeights: Object.freeze({ latency: 0.5, throughput: 0.1, success: 0.3, quality: 0.1 }),
});

/** A route's options as the config gives them: any field may be missing. */
export interface AdaptiveOptions extends Partial<Omit<AdaptiveSettings, 'metricWeights'>> {
  metricWeights?: Partial<MetricWeights>;
}

/** The options over the defaults. */
export function adaptiveSettings(options: AdaptiveOptions | undefined): AdaptiveSettings {
  const { metricWeights, ...rest } = options ?? {};
  return { ...DEFAULT_ADAPTIVE_SETTINGS, ...rest, metricWeights: { ...DEFAULT_ADAPTIVE_SETTINGS.metricWeights, ...metricWeights } };
}
