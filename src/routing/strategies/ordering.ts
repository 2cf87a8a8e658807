/**
 * Small pure helpers the strategies share: comparators, defaults, sorting, and how an order
 * is written into a decision's reason. Strategies run on every request over a handful of
 * candidates, so these are plain loops over small arrays: no Maps, spreads or closures per
 * candidate, and arrays created at their final length (`new Array(n)`), which costs a third
 * of growing one from `[]`.
 */
import type { Deployment } from '../catalog';
import type { Candidate, StrategyDecision, StrategyRequest } from './types';

/** Quality assumed for a deployment the config gives no score (the middle of 0..1). */
export const DEFAULT_QUALITY = 0.5;

/** Output tokens assumed when the request sets no maximum (a typical chat answer). */
export const DEFAULT_OUTPUT_TOKENS = 256;

/**
 * Longer ranges go to Array.prototype.sort: insertion sort is the cheapest stable sort for
 * the few deployments a tier usually lists, but quadratic for a long list.
 */
const INSERTION_SORT_LIMIT = 16;

export function qualityOf(deployment: Deployment): number {
  return deployment.quality ?? DEFAULT_QUALITY;
}

/** A weight that can be drawn from: finite and positive, otherwise 0 (drained). */
export function weightOf(deployment: Deployment): number {
  const { weight } = deployment;
  return Number.isFinite(weight) && weight > 0 ? weight : 0;
}

/** Input plus expected output tokens of the request. */
export function expectedTokens(request: StrategyRequest): number {
  return request.estimatedInputTokens + (request.maxOutputTokens ?? DEFAULT_OUTPUT_TOKENS);
}

export type Compare<T = Candidate> = (a: T, b: T) => number;

export const byPriority: Compare = (a, b) => a.deployment.priority - b.deployment.priority;

/**
 * Sort `items[from, to)` in place. Stable, like Array.prototype.sort, so ties keep the order
 * they came in and the result is the one `items.sort(compare)` would give.
 */
export function sortRange<T>(items: T[], compare: Compare<T>, from = 0, to = items.length): void {
  if (to - from > INSERTION_SORT_LIMIT) {
    const sorted = items.slice(from, to).sort(compare);
    for (let offset = 0; offset < sorted.length; offset += 1) items[from + offset] = sorted[offset];
    return;
  }
  for (let index = from + 1; index < to; index += 1) {
    const item = items[index];
    let slot = index;
    while (slot > from && compare(items[slot - 1], item) > 0) {
      items[slot] = items[slot - 1];
      slot -= 1;
    }
    items[slot] = item;
  }
}

/** Sort a copy; ties keep the order they came in. */
export function sortedBy(candidates: readonly Candidate[], compare: Compare): Candidate[] {
  const sorted = candidates.slice();
  sortRange(sorted, compare);
  return sorted;
}

/** `0, 1, … length - 1`: the positions of the candidates, for strategies that sort by values they keep per position. */
export function positions(length: number): number[] {
  const result = new Array<number>(length);
  for (let index = 0; index < length; index += 1) result[index] = index;
  return result;
}

/** The candidates at `order`'s positions, in that order. */
export function candidatesAt(candidates: readonly Candidate[], order: readonly number[]): Candidate[] {
  const result = new Array<Candidate>(order.length);
  for (let slot = 0; slot < order.length; slot += 1) result[slot] = candidates[order[slot]];
  return result;
}

/** `a → b → c` from position `from` on, for reasons; '' when nothing is left. */
export function describeOrder(candidates: readonly Candidate[], from = 0): string {
  let text = '';
  for (let index = from; index < candidates.length; index += 1) {
    text = index === from ? candidates[index].deployment.id : `${text} → ${candidates[index].deployment.id}`;
  }
  return text;
}

/** Notes by deployment id, one written per candidate by `write(position)`; for `StrategyDecision.notes`. */
export function notesOf(candidates: readonly Candidate[], write: (index: number) => string): Record<string, string> {
  return Object.fromEntries(candidates.map((candidate, index) => [candidate.deployment.id, write(index)]));
}

export function noCandidates(): StrategyDecision {
  return { ordered: [], reason: 'no capable deployment' };
}

/** `0.1234` → `12%`, for notes and reasons. */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
