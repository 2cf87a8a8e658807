import type { LatencySpec } from '../config/simulator-behaviour';

/** z-score of the 99th percentile of the standard normal distribution. */
const Z_99 = 2.326347874;

/**
 * Draw one latency in milliseconds from the lognormal distribution whose median is `p50` and
 * whose 99th percentile is `p99`. `p99 <= p50` means a constant `p50`, without touching the
 * random source, so constant latencies do not shift the fault draws that follow.
 */
export function drawLatencyMs(spec: LatencySpec | undefined, random: () => number): number {
  if (spec === undefined || !(spec.p50 > 0)) return 0;
  if (!(spec.p99 > spec.p50)) return spec.p50;
  const sigma = Math.log(spec.p99 / spec.p50) / Z_99;
  return Math.exp(Math.log(spec.p50) + sigma * standardNormal(random));
}

/** Box–Muller transform; `1 - u` keeps the logarithm's argument in (0, 1]. */
export function standardNormal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Pause between consecutive stream frames so that `outputTokens` take `outputTokens / tokensPerSecond`
 * seconds in total; 0 when there is no rate.
 */
export function frameGapMs(outputTokens: number, frameCount: number, tokensPerSecond: number | undefined): number {
  if (tokensPerSecond === undefined || !(tokensPerSecond > 0) || frameCount < 2) return 0;
  return (outputTokens / tokensPerSecond) * 1000 / (frameCount - 1);
}
