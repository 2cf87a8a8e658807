/**
 * Small pure helpers the strategies share: comparators, defaults and how an order is written
 * into a decision's reason. None of them reorders in place; each returns a new array.
 */
import type { Deployment } from '../model';
import type { Candidate, StrategyDecision, StrategyRequest } from './types';

/** Quality assumed for a deployment the config gives no score (the middle of 0..1). */
export const DEFAULT_QUALITY = 0.5;

/** Output tokens assumed when the request sets no maximum (a typical chat answer). */
export const DEFAULT_OUTPUT_TOKENS = 256;

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

export type Compare = (a: Candidate, b: Candidate) => number;

export const byPriority: Compare = (a, b) => a.deployment.priority - b.deployment.priority;

/** Sort a copy; Array.prototype.sort is stable, so ties keep the order they came in. */
export function sortedBy(candidates: readonly Candidate[], compare: Compare): Candidate[] {
  return [...candidates].sort(compare);
}

/** Ascending by a numeric key, ties in the order they came in. */
export function sortedByKey(candidates: readonly Candidate[], key: (candidate: Candidate) => number): Candidate[] {
  const keys = new Map(candidates.map((candidate) => [candidate, key(candidate)]));
  return sortedBy(candidates, (a, b) => keys.get(a)! - keys.get(b)!);
}

/** `a → b → c`, for reasons. */
export function describeOrder(candidates: readonly Candidate[]): string {
  return candidates.map((candidate) => candidate.deployment.id).join(' → ');
}

export function noCandidates(): StrategyDecision {
  return { ordered: [], reason: 'no capable deployment' };
}

/** `0.1234` → `12%`, for notes and reasons. */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
