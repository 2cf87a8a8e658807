/**
 * Auto-routing's feedback loop as operations: score an answered request, and read back what
 * was learned (quality stats, and per route and pattern which deployment wins and by how
 * much). HTTP (and later MCP) call these.
 */
import { JunctionError } from '../errors';
import type { AutoRouting } from '../routing/auto/start-learning';
import type { ArmReport, FeedbackOutcome } from '../routing/auto/learning';

export interface FeedbackInput {
  requestId: string;
  /** In [0, 1]. */
  score: number;
}

/** Who gives feedback: a key's principal id, an admin, or nobody known (auth off). */
export type FeedbackCaller = { principal: string } | 'admin' | undefined;

export interface QualityStats {
  feedback: { count: number; meanScore: number };
  /** Auto-routed requests still remembered for feedback. */
  remembered: number;
  byDeployment: Array<{ deployment: string; observations: number; meanScore: number; residual: number }>;
  byPattern: Array<{ pattern: string; observations: number; meanScore: number }>;
  arms: ArmReport[];
}

export interface PatternInsight {
  route: string;
  pattern: string;
  /** The deployment with the best mean feedback score among those with any. */
  winner: string;
  winnerScore: number;
  /** Its lead over the runner-up, in score points; null when only one deployment has feedback. */
  margin: number | null;
  runnerUp: string | null;
  /** Every deployment with feedback on this pattern, best first. */
  deployments: Array<{ deployment: string; meanScore: number; observations: number; residual: number }>;
}

export interface Insights {
  model: { version: string | null };
  patterns: PatternInsight[];
}

export interface LearningOperations {
  feedback(input: FeedbackInput, caller: FeedbackCaller): FeedbackOutcome;
  qualityStats(): QualityStats;
  insights(): Insights;
}

export function createLearningOperations(auto: AutoRouting): LearningOperations {
  const { learning } = auto;
  return {
    feedback(input, caller) {
      const decision = learning.decision(input.requestId);
      // Another tenant's request looks the same as an unknown one: ids do not leak.
      const allowed = decision !== undefined && (caller === 'admin' || decision.principal === undefined || (caller !== undefined && caller.principal === decision.principal));
      const outcome = allowed ? learning.feedback(input.requestId, input.score) : undefined;
      if (outcome === undefined) throw new JunctionError('request_not_found', `no auto-routed request ${input.requestId.slice(0, 80)} is remembered for this caller`, { param: 'request_id' });
      return outcome;
    },

    qualityStats() {
      const arms = learning.arms();
      const totals = learning.totals();
      return {
        feedback: { count: totals.feedback, meanScore: totals.meanScore },
        remembered: totals.remembered,
        byDeployment: summarise(arms, (arm) => arm.deployment).map(([deployment, figures]) => ({ deployment, ...figures })),
        byPattern: summarise(arms, (arm) => arm.pattern).map(([pattern, { observations, meanScore }]) => ({ pattern, observations, meanScore })),
        arms,
      };
    },

    insights() {
      const groups = new Map<string, ArmReport[]>();
      for (const arm of learning.arms()) {
        if (arm.observations <= 0) continue;
        const key = `${arm.route}\u0000${arm.pattern}`;
        groups.set(key, [...(groups.get(key) ?? []), arm]);
      }
      const patterns: PatternInsight[] = [];
      for (const arms of groups.values()) {
        const ranked = [...arms].sort((a, b) => b.meanScore - a.meanScore || b.observations - a.observations);
        const [winner, runnerUp] = ranked;
        patterns.push({
          route: winner!.route,
          pattern: winner!.pattern,
          winner: winner!.deployment,
          winnerScore: winner!.meanScore,
          margin: runnerUp === undefined ? null : round(winner!.meanScore - runnerUp.meanScore),
          runnerUp: runnerUp?.deployment ?? null,
          deployments: ranked.map(({ deployment, meanScore, observations, residual }) => ({ deployment, meanScore, observations, residual })),
        });
      }
      patterns.sort((a, b) => a.route.localeCompare(b.route) || a.pattern.localeCompare(b.pattern));
      return { model: { version: auto.knowledge.predictor?.version ?? null }, patterns };
    },
  };
}

/** Observation-weighted means per group. */
function summarise(arms: readonly ArmReport[], keyOf: (arm: ArmReport) => string): Array<[string, { observations: number; meanScore: number; residual: number }]> {
  const sums = new Map<string, { observations: number; scoreSum: number; residualSum: number }>();
  for (const arm of arms) {
    const sum = sums.get(keyOf(arm)) ?? { observations: 0, scoreSum: 0, residualSum: 0 };
    sum.observations += arm.observations;
    sum.scoreSum += arm.meanScore * arm.observations;
    sum.residualSum += arm.residual * arm.observations;
    sums.set(keyOf(arm), sum);
  }
  return [...sums].map(([key, sum]) => [
    key,
    { observations: round(sum.observations), meanScore: sum.observations > 0 ? round(sum.scoreSum / sum.observations) : 0, residual: sum.observations > 0 ? round(sum.residualSum / sum.observations) : 0 },
  ]);
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
