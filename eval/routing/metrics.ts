/**
 * Routing metrics, as the data README defines them. Pure functions over recorded outcomes.
 *
 * Two-model data (RouteLLM convention): every prompt has a weak and a strong quality; a router
 * gives each prompt a score, and the prompts with the highest scores go to the strong model.
 * Sweeping the share of strong calls from 0% to 100% draws the PGR curve.
 *
 * Many-model data (RouterBench): each router configuration is one (mean cost, mean quality)
 * point; AIQ is the area under the non-decreasing upper convex hull of a router's points.
 */

/** One prompt's recorded outcome on the two models. */
export interface PairOutcome {
  weak: number;
  strong: number;
}

export interface CurvePoint {
  /** Share of prompts sent to the strong model, 0 to 1. */
  share: number;
  /** Mean quality of the chosen answers. */
  quality: number;
  /** Performance gap recovered: (quality − weak) / (strong − weak). */
  pgr: number;
}

export interface PairSummary {
  weakQuality: number;
  strongQuality: number;
  apgr: number;
  /** Smallest share of strong calls reaching PGR 50% / 80%; null if never reached. */
  cpt50: number | null;
  cpt80: number | null;
  /** 1 − the smallest share of strong calls reaching 95% of the strong model's quality. */
  costCutAt95: number | null;
}

/** Curve resolution: 101 points, 0% to 100% of strong calls in steps of 1%. */
export const CURVE_STEPS = 100;

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length === 0 ? 0 : sum / values.length;
}

/**
 * The PGR curve of a router. Prompts are ranked by `scores` (highest first), and at share s the
 * top round(s·n) go to the strong model. Prompts with equal scores are indistinguishable to the
 * router, so within a tie the curve takes the expected value of a random order (a straight line
 * across the group), not whatever order the data came in.
 */
export function pgrCurve(outcomes: readonly PairOutcome[], scores: readonly number[], steps = CURVE_STEPS): CurvePoint[] {
  if (outcomes.length !== scores.length) throw new Error('pgrCurve: one score per outcome');
  // NaN would never equal itself and would break the tie groups below.
  if (scores.some((score) => Number.isNaN(score))) throw new Error('pgrCurve: a score is NaN');
  const n = outcomes.length;
  const order = outcomes.map((_, index) => index).sort((a, b) => scores[b] - scores[a] || a - b);
  // total[k] = total quality when the first k ranked prompts go strong and the rest weak.
  const total = new Float64Array(n + 1);
  for (const outcome of outcomes) total[0] += outcome.weak;
  let start = 0;
  while (start < n) {
    let end = start;
    let gain = 0;
    while (end < n && scores[order[end]] === scores[order[start]]) {
      gain += outcomes[order[end]].strong - outcomes[order[end]].weak;
      end += 1;
    }
    const perPrompt = gain / (end - start);
    for (let k = start + 1; k <= end; k += 1) total[k] = total[start] + perPrompt * (k - start);
    start = end;
  }
  const weak = mean(outcomes.map((outcome) => outcome.weak));
  const strong = mean(outcomes.map((outcome) => outcome.strong));
  const gap = strong - weak;
  const points: CurvePoint[] = [];
  for (let step = 0; step <= steps; step += 1) {
    const share = step / steps;
    const quality = n === 0 ? 0 : total[Math.round(share * n)] / n;
    points.push({ share, quality, pgr: gap === 0 ? 0 : (quality - weak) / gap });
  }
  return points;
}

/** Area under the PGR curve over shares 0 to 1, by trapezoids. Random routing gives 0.5. */
export function apgr(curve: readonly CurvePoint[]): number {
  let area = 0;
  for (let index = 1; index < curve.length; index += 1) {
    const left = curve[index - 1];
    const right = curve[index];
    area += ((left.pgr + right.pgr) / 2) * (right.share - left.share);
  }
  return area;
}

/** CPT(x): the smallest share of strong calls whose PGR reaches `target` (0.5 for CPT(50%)). */
export function cpt(curve: readonly CurvePoint[], target: number): number | null {
  const point = curve.find((candidate) => candidate.pgr >= target - 1e-12);
  return point === undefined ? null : point.share;
}

/** 1 − the smallest share of strong calls whose quality reaches `fraction` of the strong model's. */
export function costCutAt(curve: readonly CurvePoint[], strongQuality: number, fraction = 0.95): number | null {
  const point = curve.find((candidate) => candidate.quality >= fraction * strongQuality - 1e-12);
  return point === undefined ? null : 1 - point.share;
}

export function summarisePair(outcomes: readonly PairOutcome[], scores: readonly number[]): PairSummary {
  const curve = pgrCurve(outcomes, scores);
  const strongQuality = mean(outcomes.map((outcome) => outcome.strong));
  return {
    weakQuality: mean(outcomes.map((outcome) => outcome.weak)),
    strongQuality,
    apgr: apgr(curve),
    cpt50: cpt(curve, 0.5),
    cpt80: cpt(curve, 0.8),
    costCutAt95: costCutAt(curve, strongQuality),
  };
}

/**
 * The expected random router: at share s, quality = weak + s·(strong − weak), a straight line.
 * Its APGR is exactly 0.5 and CPT(x) is x.
 */
export function randomPairSummary(outcomes: readonly PairOutcome[]): PairSummary {
  const weak = mean(outcomes.map((outcome) => outcome.weak));
  const strong = mean(outcomes.map((outcome) => outcome.strong));
  const curve: CurvePoint[] = [];
  for (let step = 0; step <= CURVE_STEPS; step += 1) {
    const share = step / CURVE_STEPS;
    curve.push({ share, quality: weak + share * (strong - weak), pgr: share });
  }
  return { weakQuality: weak, strongQuality: strong, apgr: apgr(curve), cpt50: cpt(curve, 0.5), cpt80: cpt(curve, 0.8), costCutAt95: costCutAt(curve, strong) };
}

/** The oracle's scores: send first the prompts where the strong model gains most. */
export function oracleScores(outcomes: readonly PairOutcome[]): number[] {
  return outcomes.map((outcome) => outcome.strong - outcome.weak);
}

/** A (mean cost per prompt, mean quality) point of one router configuration. */
export interface CostPoint {
  cost: number;
  quality: number;
}

/**
 * The non-decreasing upper convex hull of points in the (cost, quality) plane: what a router can
 * reach by mixing its configurations at random, never paying more for less. Sorted by cost.
 */
export function nonDecreasingHull(points: readonly CostPoint[]): CostPoint[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  const hull: CostPoint[] = [];
  for (const point of sorted) {
    // Paying more for no more quality never helps: skip dominated points.
    if (hull.length > 0 && point.quality <= hull[hull.length - 1].quality) continue;
    while (hull.length >= 2) {
      const a = hull[hull.length - 2];
      const b = hull[hull.length - 1];
      const cross = (b.cost - a.cost) * (point.quality - a.quality) - (b.quality - a.quality) * (point.cost - a.cost);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(point);
  }
  return hull;
}

/** The hull's quality at `cost`: linear between hull points, flat after the last, 0 before the first. */
export function hullQualityAt(hull: readonly CostPoint[], cost: number): number {
  if (hull.length === 0 || cost < hull[0].cost) return 0;
  for (let index = 1; index < hull.length; index += 1) {
    const left = hull[index - 1];
    const right = hull[index];
    if (cost <= right.cost) return left.quality + ((right.quality - left.quality) * (cost - left.cost)) / (right.cost - left.cost);
  }
  return hull[hull.length - 1].quality;
}

/**
 * AIQ: the area under the router's non-decreasing convex hull between `minCost` and `maxCost`,
 * divided by the cost range, so it is a mean quality over budgets. Exact, since the hull is
 * piecewise linear. Before its cheapest point a router reaches nothing (quality 0), so callers
 * that let every router fall back to the cheapest model add that model's point.
 */
export function aiq(points: readonly CostPoint[], minCost: number, maxCost: number): number {
  if (!(maxCost > minCost)) throw new Error('aiq: the cost range is empty');
  const hull = nonDecreasingHull(points);
  const breaks = [minCost, ...hull.map((point) => point.cost).filter((cost) => cost > minCost && cost < maxCost), maxCost];
  let area = 0;
  for (let index = 1; index < breaks.length; index += 1) {
    const left = breaks[index - 1];
    const right = breaks[index];
    // Inside one segment the hull is linear; before its first point it is 0.
    if (hull.length === 0 || left < hull[0].cost) continue;
    area += ((hullQualityAt(hull, left) + hullQualityAt(hull, right)) / 2) * (right - left);
  }
  return area / (maxCost - minCost);
}

/** The cheapest of the points whose quality reaches `target`; null if none does. */
export function cheapestReaching(points: readonly CostPoint[], target: number): CostPoint | null {
  let best: CostPoint | null = null;
  for (const point of points) {
    if (point.quality >= target - 1e-12 && (best === null || point.cost < best.cost)) best = point;
  }
  return best;
}

/** A score threshold chosen on training prompts, and what it does on other prompts. */
export interface ThresholdTransfer {
  /** Prompts scoring at or above it go to the strong model. */
  threshold: number;
  /** On the target prompts: share sent strong, and mean quality as a fraction of the strong model's. */
  strongShare: number;
  qualityRatio: number;
}

/**
 * What an operator would do: pick on training prompts the highest threshold whose routing
 * reaches `fraction` of the strong model's quality, then apply it unchanged to `target`.
 */
export function transferThreshold(
  training: readonly PairOutcome[],
  trainingScores: readonly number[],
  target: readonly PairOutcome[],
  targetScores: readonly number[],
  fraction = 0.95,
): ThresholdTransfer {
  const strongOf = (outcomes: readonly PairOutcome[]) => mean(outcomes.map((outcome) => outcome.strong));
  const qualityAt = (outcomes: readonly PairOutcome[], scores: readonly number[], threshold: number) =>
    mean(outcomes.map((outcome, index) => (scores[index] >= threshold ? outcome.strong : outcome.weak)));
  const candidates = [...new Set(trainingScores)].sort((a, b) => b - a);
  const goal = fraction * strongOf(training);
  let threshold = -Infinity;
  for (const candidate of candidates) {
    if (qualityAt(training, trainingScores, candidate) >= goal - 1e-12) {
      threshold = candidate;
      break;
    }
  }
  const strongShare = target.length === 0 ? 0 : targetScores.filter((score) => score >= threshold).length / target.length;
  const strong = strongOf(target);
  return { threshold, strongShare, qualityRatio: strong === 0 ? 0 : qualityAt(target, targetScores, threshold) / strong };
}
