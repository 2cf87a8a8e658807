/**
 * Random orders drawn from the injected source, so a seeded source replays them exactly.
 * `random()` is uniform in [0, 1); indexes are clamped in case a source returns 1.
 */

export type Random = () => number;

/** A uniform index in [0, length). */
export function randomIndex(length: number, random: Random): number {
  return Math.min(length - 1, Math.floor(random() * length));
}

/** Fisher-Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const result = [...items];
  for (let index = result.length - 1; index > 0; index -= 1) {
    const other = randomIndex(index + 1, random);
    [result[index], result[other]] = [result[other], result[index]];
  }
  return result;
}

/**
 * Index drawn with probability proportional to its weight; every weight must be ≥ 0 and
 * their sum > 0. A draw that floating-point rounding pushes past the end lands on the last
 * positive weight rather than on a zero.
 */
export function weightedIndex(weights: readonly number[], random: Random): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const point = random() * total;
  let cumulative = 0;
  let lastPositive = -1;
  for (const [index, weight] of weights.entries()) {
    if (weight <= 0) continue;
    cumulative += weight;
    lastPositive = index;
    if (point < cumulative) return index;
  }
  return lastPositive;
}

/**
 * Repeated weighted draws without replacement: the whole order is weight-biased, not only
 * its head. Items of weight 0 are left for the caller to place.
 */
export function weightedOrder<T>(items: readonly T[], weightOf: (item: T) => number, random: Random): T[] {
  const remaining = items.filter((item) => weightOf(item) > 0);
  const result: T[] = [];
  while (remaining.length > 0) {
    const index = weightedIndex(remaining.map(weightOf), random);
    result.push(...remaining.splice(index, 1));
  }
  return result;
}
