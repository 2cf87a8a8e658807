/**
 * Fusion: many readings of one metric → one value. Each method is a pure function over the
 * usable readings and their prior weights (trust × health); each says which readings it
 * rejected and why, and what share of the answer each kept reading carries.
 */
import type { FusionMethod, Strategy } from './types';
import { robustScale, weightedMean, weightedMedian } from './stats';

export interface FusionInput {
  values: readonly number[];
  /** Prior weight of each reading (trust × health), > 0. */
  weights: readonly number[];
  /** One-sigma uncertainty each reading claims, if any. */
  uncertainties: readonly (number | undefined)[];
  /** Spread below which readings count as agreeing (policy.scaleFloor). */
  scaleFloor: number;
  /** Relative deviation from the centre beyond which a reading is rejected (policy.maxDeviation). */
  maxDeviation: number;
}

export interface FusionOutput {
  value: number;
  strategy: Exclude<Strategy, `synthetic-${string}`>;
  /** Share of the answer per reading; 0 for rejected ones; kept shares sum to 1. */
  shares: number[];
  /** Why a reading was rejected, or undefined when kept. */
  rejections: (string | undefined)[];
  /** One-sigma spread of the kept readings around the answer (never below the floor). */
  spread: number;
  note: string;
}

/** Hampel's cut: a reading more than this many robust sigmas from the centre is an outlier. */
export const HAMPEL_K = 3;
/** Huber's tuning constant (95% efficiency under normal noise), in robust sigmas. */
export const HUBER_K = 1.345;
/** Two readings disagree when further apart than this many scale floors (and maxDeviation). */
const PAIR_DISAGREEMENT = 3;
/** With two disagreeing readings, the favourite must outweigh the other by this factor to win outright. */
const PAIR_TRUST_MARGIN = 1.25;

export function fuse(method: FusionMethod, input: FusionInput): FusionOutput {
  switch (method) {
    case 'best-source':
      return bestSource(input);
    case 'weighted-median':
      return weightedMedianFusion(input);
    case 'robust-blend':
      return robustBlend(input);
    case 'outlier-rejection':
      return outlierRejection(input);
    case 'interval':
      return intervalFusion(input);
    case 'auto':
      return fuse(autoMethod(input), input);
  }
}

/**
 * What the readings support: intervals when all claim one; with two readings, the pair rule
 * of outlier rejection (no majority exists, so trust decides); with three or more, the
 * trust-weighted median, which already ignores a minority of outliers and, unlike rejecting
 * them, does not move the answer off the panel's median when the "outlier" was right.
 */
export function autoMethod(input: FusionInput): Exclude<FusionMethod, 'auto'> {
  const n = input.values.length;
  if (n <= 1) return 'best-source';
  if (input.uncertainties.every((u) => u !== undefined && u > 0)) return 'interval';
  return n === 2 ? 'outlier-rejection' : 'weighted-median';
}

function empty(n: number): { shares: number[]; rejections: (string | undefined)[] } {
  return { shares: new Array<number>(n).fill(0), rejections: new Array<string | undefined>(n).fill(undefined) };
}

/** The reading with the highest prior weight, alone. */
export function bestSource(input: FusionInput): FusionOutput {
  const n = input.values.length;
  let best = 0;
  for (let i = 1; i < n; i++) if (input.weights[i] > input.weights[best]) best = i;
  const { shares, rejections } = empty(n);
  shares[best] = 1;
  for (let i = 0; i < n; i++) if (i !== best) rejections[i] = 'not the best source by trust and health';
  return { value: input.values[best], strategy: 'best-source', shares, rejections, spread: spreadOf(input, input.values[best]), note: `best source by trust × health` };
}

/** Trust-weighted median of all readings. */
export function weightedMedianFusion(input: FusionInput): FusionOutput {
  const value = weightedMedian(input.values, input.weights);
  return { value, strategy: 'weighted-median', shares: normalised(input.weights), rejections: empty(input.values.length).rejections, spread: spreadOf(input, value), note: 'trust-weighted median' };
}

/**
 * Huber M-estimate, trust-weighted, by iteratively reweighted means from the weighted median:
 * readings near the centre count fully, far ones with weight falling as 1/distance.
 */
export function robustBlend(input: FusionInput, kept?: readonly boolean[]): FusionOutput {
  const n = input.values.length;
  const values: number[] = [];
  const priors: number[] = [];
  const index: number[] = [];
  for (let i = 0; i < n; i++) {
    if (kept === undefined || kept[i]) {
      values.push(input.values[i]);
      priors.push(input.weights[i]);
      index.push(i);
    }
  }
  let centre = weightedMedian(values, priors);
  const scale = robustScale(values, centre, input.scaleFloor);
  const limit = HUBER_K * scale;
  const effective = priors.slice();
  for (let iteration = 0; iteration < 10; iteration++) {
    for (let j = 0; j < values.length; j++) {
      const distance = Math.abs(values[j] - centre);
      effective[j] = priors[j] * (distance <= limit ? 1 : limit / distance);
    }
    const next = weightedMean(values, effective);
    const moved = Math.abs(next - centre);
    centre = next;
    if (moved <= scale * 1e-6) break;
  }
  const { shares, rejections } = empty(n);
  const total = effective.reduce((sum, w) => sum + w, 0);
  for (let j = 0; j < index.length; j++) shares[index[j]] = effective[j] / total;
  return { value: centre, strategy: 'robust-blend', shares, rejections, spread: Math.max(scale, input.scaleFloor), note: `Huber blend (k = ${HUBER_K} × ${round(scale)})` };
}

/**
 * Hampel rejection, then the weighted median of what is left. With three or more readings, a reading
 * further than HAMPEL_K robust sigmas (and than maxDeviation) from the trust-weighted median
 * goes. Two readings carry no majority: when they disagree, the clearly more trusted one wins
 * and otherwise both are blended (the spread lowers the confidence instead).
 */
export function outlierRejection(input: FusionInput): FusionOutput {
  const n = input.values.length;
  if (n === 1) return bestSource(input);
  if (n === 2) return pair(input);
  const centre = weightedMedian(input.values, input.weights);
  const scale = robustScale(input.values, centre, input.scaleFloor);
  const kept = new Array<boolean>(n).fill(true);
  const reasons = new Array<string | undefined>(n).fill(undefined);
  let keptCount = n;
  for (let i = 0; i < n; i++) {
    const distance = Math.abs(input.values[i] - centre);
    const relative = centre === 0 ? Infinity : distance / Math.abs(centre);
    if (distance > HAMPEL_K * scale && distance > PAIR_DISAGREEMENT * input.scaleFloor && relative > input.maxDeviation / 2) {
      kept[i] = false;
      reasons[i] = `outlier: ${round(distance / scale)} robust sigmas (${round(relative * 100)}%) from the median ${round(centre)}`;
      keptCount--;
    } else if (relative > input.maxDeviation && distance > PAIR_DISAGREEMENT * input.scaleFloor) {
      kept[i] = false;
      reasons[i] = `deviates ${round(relative * 100)}% from the median ${round(centre)} (max ${round(input.maxDeviation * 100)}%)`;
      keptCount--;
    }
  }
  // Never reject a majority: if the centre itself is contested, blend everything instead.
  if (keptCount < Math.ceil(n / 2)) return { ...robustBlend(input), note: 'no majority agreed; Huber blend of all' };
  const keptValues: number[] = [];
  const keptWeights: number[] = [];
  for (let i = 0; i < n; i++) {
    if (kept[i]) {
      keptValues.push(input.values[i]);
      keptWeights.push(input.weights[i]);
    }
  }
  // The weighted median of what is left: with equal weights it is the plain median of the
  // agreeing sources, which is what a clean consensus is; weights only move it when trust differs.
  const value = weightedMedian(keptValues, keptWeights);
  const shares = input.weights.map((w, i) => (kept[i] ? w : 0));
  const total = shares.reduce((sum, w) => sum + w, 0);
  for (let i = 0; i < n; i++) shares[i] /= total;
  const rejected = n - keptCount;
  const spread = Math.max(robustScale(keptValues, value, input.scaleFloor), input.scaleFloor);
  return { value, strategy: 'outlier-rejection', shares, rejections: reasons, spread, note: rejected === 0 ? `no outlier among ${n}; weighted median` : `${rejected} of ${n} rejected (Hampel, ${HAMPEL_K} sigmas); weighted median of the rest` };
}

function pair(input: FusionInput): FusionOutput {
  const [a, b] = input.values;
  const [wa, wb] = input.weights;
  const gap = Math.abs(a - b);
  const centre = (a + b) / 2;
  const relative = centre === 0 ? (gap === 0 ? 0 : Infinity) : gap / Math.abs(centre);
  const disagree = gap > PAIR_DISAGREEMENT * input.scaleFloor && relative > input.maxDeviation;
  const { shares, rejections } = empty(2);
  if (disagree && (wa > wb * PAIR_TRUST_MARGIN || wb > wa * PAIR_TRUST_MARGIN)) {
    const keep = wa > wb ? 0 : 1;
    shares[keep] = 1;
    rejections[1 - keep] = `two sources disagree by ${round(relative * 100)}%; the other is more trusted`;
    return { value: input.values[keep], strategy: 'outlier-rejection', shares, rejections, spread: Math.max(gap / 2, input.scaleFloor), note: 'two sources disagree: the more trusted one' };
  }
  const value = (a * wa + b * wb) / (wa + wb);
  shares[0] = wa / (wa + wb);
  shares[1] = wb / (wa + wb);
  const note = disagree ? 'two sources disagree, neither clearly more trusted: trust-weighted mean' : 'two sources agree: trust-weighted mean';
  return { value, strategy: 'outlier-rejection', shares, rejections, spread: Math.max(gap / 2, input.scaleFloor), note };
}

/**
 * Interval intersection (Marzullo): each reading stands for value ± 2 sigma; the point covered
 * by the most intervals wins, readings whose interval misses it are rejected, and the rest are
 * blended by inverse variance × trust and kept inside their common intersection.
 */
export function intervalFusion(input: FusionInput): FusionOutput {
  const n = input.values.length;
  const sigma = input.uncertainties.map((u) => Math.max(u ?? 0, input.scaleFloor, Number.EPSILON));
  const edges: { at: number; step: number }[] = [];
  for (let i = 0; i < n; i++) {
    edges.push({ at: input.values[i] - 2 * sigma[i], step: 1 }, { at: input.values[i] + 2 * sigma[i], step: -1 });
  }
  // Openings before closings at the same point: touching intervals count as overlapping.
  edges.sort((x, y) => x.at - y.at || y.step - x.step);
  let depth = 0;
  let bestDepth = 0;
  let bestAt = input.values[0];
  for (let k = 0; k < edges.length; k++) {
    depth += edges[k].step;
    if (depth > bestDepth) {
      bestDepth = depth;
      bestAt = edges[k].at;
    }
  }
  const { shares, rejections } = empty(n);
  let low = -Infinity;
  let high = Infinity;
  let sum = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (Math.abs(input.values[i] - bestAt) <= 2 * sigma[i] + 1e-12 * Math.abs(bestAt)) {
      const weight = input.weights[i] / (sigma[i] * sigma[i]);
      shares[i] = weight;
      sum += weight * input.values[i];
      total += weight;
      low = Math.max(low, input.values[i] - 2 * sigma[i]);
      high = Math.min(high, input.values[i] + 2 * sigma[i]);
    } else {
      rejections[i] = `interval ${round(input.values[i])} ± ${round(2 * sigma[i])} misses the ${bestDepth} that overlap`;
    }
  }
  for (let i = 0; i < n; i++) shares[i] /= total;
  const value = Math.min(Math.max(sum / total, low), high);
  // The fused sigma of consistent independent readings: 1 / sqrt(sum of 1/sigma²), trust aside.
  let precision = 0;
  for (let i = 0; i < n; i++) if (shares[i] > 0) precision += 1 / (sigma[i] * sigma[i]);
  const spread = Math.max(1 / Math.sqrt(precision), input.scaleFloor);
  return { value, strategy: 'interval', shares, rejections, spread, note: `${bestDepth} of ${n} intervals overlap` };
}

function normalised(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => w / total);
}

/** Robust spread of all readings around the answer. */
function spreadOf(input: FusionInput, centre: number): number {
  return input.values.length < 2 ? input.scaleFloor : robustScale(input.values, centre, input.scaleFloor);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

