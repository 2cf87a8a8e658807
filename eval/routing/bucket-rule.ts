import type { CostPoint } from './metrics';

/**
 * Mapping a scalar prompt score (complexity, or length for the baseline) to one of many models:
 * cut the training scores into quantile buckets; in each bucket pick the cheapest model whose
 * training accuracy is within `epsilon` of the bucket's best. Fitted on training prompts only.
 */

export interface ScoredOutcome {
  score: number;
  quality: Readonly<Record<string, number>>;
  cost: Readonly<Record<string, number>>;
}

export interface BucketRule {
  /** Upper score edges of every bucket but the last, ascending. */
  edges: number[];
  /** The model chosen per bucket. */
  choices: string[];
}

export function fitBucketRule(training: readonly ScoredOutcome[], models: readonly string[], epsilon: number, buckets = 5): BucketRule {
  if (training.length === 0) throw new Error('fitBucketRule: no training data');
  const sorted = training.map((outcome) => outcome.score).sort((a, b) => a - b);
  const edges: number[] = [];
  for (let bucket = 1; bucket < buckets; bucket += 1) edges.push(sorted[Math.min(sorted.length - 1, Math.floor((bucket * sorted.length) / buckets))]);
  const members: ScoredOutcome[][] = Array.from({ length: buckets }, () => []);
  for (const outcome of training) members[bucketOf(edges, outcome.score)].push(outcome);
  // An empty bucket (many tied scores) borrows all the training data.
  const choices = members.map((group) => chooseModel(group.length > 0 ? group : training, models, epsilon));
  return { edges, choices };
}

function bucketOf(edges: readonly number[], score: number): number {
  let bucket = 0;
  while (bucket < edges.length && score >= edges[bucket]) bucket += 1;
  return bucket;
}

function chooseModel(group: readonly ScoredOutcome[], models: readonly string[], epsilon: number): string {
  const stats = models.map((model) => {
    let quality = 0;
    let cost = 0;
    for (const outcome of group) {
      quality += outcome.quality[model] ?? 0;
      cost += outcome.cost[model] ?? 0;
    }
    return { model, quality: quality / group.length, cost: cost / group.length };
  });
  const best = Math.max(...stats.map((stat) => stat.quality));
  const eligible = stats.filter((stat) => stat.quality >= best - epsilon - 1e-12);
  eligible.sort((a, b) => a.cost - b.cost || b.quality - a.quality || a.model.localeCompare(b.model));
  return eligible[0].model;
}

export function applyBucketRule(rule: BucketRule, score: number): string {
  return rule.choices[bucketOf(rule.edges, score)];
}

/** The (mean cost, mean quality) of sending each outcome to the model chosen for it. */
export function replay(outcomes: readonly ScoredOutcome[], choose: (outcome: ScoredOutcome, index: number) => string): CostPoint {
  let quality = 0;
  let cost = 0;
  outcomes.forEach((outcome, index) => {
    const model = choose(outcome, index);
    quality += outcome.quality[model] ?? 0;
    cost += outcome.cost[model] ?? 0;
  });
  return { cost: cost / outcomes.length, quality: quality / outcomes.length };
}
