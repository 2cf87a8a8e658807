/**
 * Small robust statistics over a handful of numbers (3–10 sources): medians, weighted medians,
 * MAD. Sorting a few indices beats anything clever at this size, and nothing here allocates
 * more than one index array.
 */

/** The constant that makes the MAD estimate one standard deviation of a normal distribution. */
export const MAD_TO_SIGMA = 1.4826;

/** Median of the values (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = n >> 1;
  return n % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Weighted median: the value where the cumulative weight, in value order, reaches half the
 * total. When it lands exactly on half, the midpoint of the two neighbours, so equal weights
 * give the plain median. Entries with weight ≤ 0 are ignored; NaN when none is left.
 */
export function weightedMedian(values: readonly number[], weights: readonly number[]): number {
  const order: number[] = [];
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    if (weights[i] > 0) {
      order.push(i);
      total += weights[i];
    }
  }
  if (order.length === 0) return Number.NaN;
  order.sort((a, b) => values[a] - values[b]);
  const half = total / 2;
  // Relative slack: weights that should split evenly rarely sum exactly after floating point.
  const slack = total * 1e-9;
  let cumulative = 0;
  for (let k = 0; k < order.length; k++) {
    cumulative += weights[order[k]];
    if (Math.abs(cumulative - half) <= slack && k + 1 < order.length) return (values[order[k]] + values[order[k + 1]]) / 2;
    if (cumulative > half) return values[order[k]];
  }
  return values[order[order.length - 1]];
}

/** Median absolute deviation from `centre`. */
export function mad(values: readonly number[], centre: number): number {
  const deviations = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) deviations[i] = Math.abs(values[i] - centre);
  return median(deviations);
}

/** A robust spread (one sigma) of the values around `centre`, never below `floor`. */
export function robustScale(values: readonly number[], centre: number, floor: number): number {
  const scale = values.length >= 3 ? MAD_TO_SIGMA * mad(values, centre) : Math.abs(values[0] - (values[1] ?? values[0])) / 2;
  return Math.max(scale, floor, Number.EPSILON);
}

/** Weighted mean; NaN when the weights sum to zero. */
export function weightedMean(values: readonly number[], weights: readonly number[]): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] * weights[i];
    total += weights[i];
  }
  return total > 0 ? sum / total : Number.NaN;
}

/** Spearman rank correlation (ties get their average rank); NaN for fewer than 3 pairs or no spread. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length < 3) return Number.NaN;
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const mean = (n + 1) / 2;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (ra[i] - mean) * (rb[i] - mean);
    va += (ra[i] - mean) ** 2;
    vb += (rb[i] - mean) ** 2;
  }
  return va === 0 || vb === 0 ? Number.NaN : cov / Math.sqrt(va * vb);
}

function ranks(values: readonly number[]): Float64Array {
  const order = Array.from(values.keys()).sort((x, y) => values[x] - values[y]);
  const result = new Float64Array(values.length);
  let k = 0;
  while (k < order.length) {
    let end = k;
    while (end + 1 < order.length && values[order[end + 1]] === values[order[k]]) end++;
    const rank = (k + end) / 2 + 1;
    for (let j = k; j <= end; j++) result[order[j]] = rank;
    k = end + 1;
  }
  return result;
}

/** The q-quantile (0..1) by linear interpolation; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}
