/**
 * A tiny log-scale histogram for latency percentiles: fixed memory however many samples arrive
 * (at most {@link MAX_BIN} + 1 bins, kept sparse), merge by addition, and a percentile within
 * about 5% of the exact one (bins grow by 10%, the estimate sits in the middle of its bin and
 * never outside the smallest and largest sample seen).
 */

const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);
/** 1.1^240 ms is about 8 days: anything longer lands in the last bin. */
export const MAX_BIN = 240;

export interface Histogram {
  /** Bin index → samples in it. */
  bins: Map<number, number>;
  count: number;
  min: number;
  max: number;
}

export function emptyHistogram(): Histogram {
  return { bins: new Map(), count: 0, min: Infinity, max: -Infinity };
}

function binOf(value: number): number {
  if (!(value > 1)) return 0;
  return Math.min(MAX_BIN, Math.ceil(Math.log(value) / LOG_GROWTH));
}

export function addSample(histogram: Histogram, value: number): void {
  if (!Number.isFinite(value) || value < 0) return;
  const bin = binOf(value);
  histogram.bins.set(bin, (histogram.bins.get(bin) ?? 0) + 1);
  histogram.count += 1;
  if (value < histogram.min) histogram.min = value;
  if (value > histogram.max) histogram.max = value;
}

/** Adds `from` into `into`. */
export function mergeInto(into: Histogram, from: Histogram): void {
  for (const [bin, count] of from.bins) into.bins.set(bin, (into.bins.get(bin) ?? 0) + count);
  into.count += from.count;
  into.min = Math.min(into.min, from.min);
  into.max = Math.max(into.max, from.max);
}

/** The `p`-quantile (0 < p ≤ 1), or undefined with no samples. */
export function percentile(histogram: Histogram, p: number): number | undefined {
  if (histogram.count === 0) return undefined;
  const rank = Math.max(1, Math.ceil(p * histogram.count));
  const bins = [...histogram.bins.keys()].sort((a, b) => a - b);
  let seen = 0;
  for (const bin of bins) {
    seen += histogram.bins.get(bin)!;
    if (seen >= rank) {
      // Bin b holds (1.1^(b-1), 1.1^b]: its geometric middle, kept within what was observed.
      const middle = bin === 0 ? histogram.min : Math.pow(GROWTH, bin - 0.5);
      return Math.min(histogram.max, Math.max(histogram.min, middle));
    }
  }
  return histogram.max;
}
