/**
 * Random orders drawn from the injected source, so a seeded source replays them exactly.
 * `random()` is uniform in [0, 1); indexes are clamped in case a source returns 1.
 */

export type Random = () => number;

/** A uniform index in [0, length). */
export function randomIndex(length: number, random: Random): number {
  return Math.min(length - 1, Math.floor(random() * length));
}

/** Fisher-Yates shuffle of `items[from, to)` in place. */
export function shuffleRange<T>(items: T[], random: Random, from = 0, to = items.length): void {
  for (let index = to - 1; index > from; index -= 1) {
    const other = from + randomIndex(index - from + 1, random);
    const item = items[index];
    items[index] = items[other];
    items[other] = item;
  }
}

/** Fisher-Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const result = items.slice();
  shuffleRange(result, random);
  return result;
}

/**
 * Index drawn with probability proportional to its weight; every weight must be ≥ 0 and
 * their sum > 0. A draw that floating-point rounding pushes past the end lands on the last
 * positive weight rather than on a zero.
 */
export function weightedIndex(weights: readonly number[], random: Random): number {
  let total = 0;
  for (const weight of weights) total += weight;
  const point = random() * total;
  let cumulative = 0;
  let lastPositive = -1;
  for (let index = 0; index < weights.length; index += 1) {
    const weight = weights[index];
    if (weight <= 0) continue;
    cumulative += weight;
    lastPositive = index;
    if (point < cumulative) return index;
  }
  return lastPositive;
}

/**
 * Repeated weighted draws without replacement: the whole order is weight-biased, not only
 * its head. Returns every index: those of positive weight in the order drawn, then those of
 * weight 0 in their own order.
 */
export function weightedOrder(weights: readonly number[], random: Random): number[] {
  // `order` holds the drawn indexes in [0, drawnCount) and the ones still in the draw, in
  // their own order, in [drawnCount, remainingEnd); the zero weights go after them.
  const order = new Array<number>(weights.length);
  let remainingEnd = 0;
  for (let index = 0; index < weights.length; index += 1) if (weights[index] > 0) order[remainingEnd++] = index;
  let zeroSlot = remainingEnd;
  for (let index = 0; index < weights.length; index += 1) if (!(weights[index] > 0)) order[zeroSlot++] = index;
  for (let drawnCount = 0; drawnCount < remainingEnd; drawnCount += 1) {
    // As weightedIndex over the remaining weights, without building that array per draw.
    let total = 0;
    for (let slot = drawnCount; slot < remainingEnd; slot += 1) total += weights[order[slot]];
    const point = random() * total;
    let drawn = remainingEnd - 1;
    let cumulative = 0;
    for (let slot = drawnCount; slot < remainingEnd; slot += 1) {
      cumulative += weights[order[slot]];
      if (point < cumulative) {
        drawn = slot;
        break;
      }
    }
    // Move the drawn index to the front of the remaining ones, keeping the others' order.
    const index = order[drawn];
    order.copyWithin(drawnCount + 1, drawnCount, drawn);
    order[drawnCount] = index;
  }
  return order;
}
