/**
 * The decision preview: the plan a chat request would get now (every candidate's rank, tier,
 * reason and health, every exclusion with its reason), calling no upstream and changing no state.
 */
import type { ChatRequest } from '../canonical/types';
import type { Pipeline } from '../gateway/pipeline';
import { previewChatPlan } from '../gateway/planning';
import type { RoutingHints } from '../gateway/routing-hints';
import type { AutoDecision } from '../routing/auto/types';
import type { Exclusion } from '../routing/plan';
import { reportHealth } from './health-report';
import type { StateStore } from '../state/types';

export interface DecisionPreview {
  route: string;
  strategy: string;
  reason: string;
  variant?: string;
  /** auto: the decision (confidence, pattern, complexity, each candidate's predicted quality and cost). */
  auto?: AutoDecision;
  plan: Array<{
    rank: number;
    deployment: string;
    provider: string;
    model: string;
    tier: string;
    reason: string;
    health: HealthSummary;
  }>;
  excluded: Exclusion[];
}

export interface HealthSummary {
  breaker: string;
  latencyMs: number | undefined;
  ttftMs: number | undefined;
  successRate: number;
  inFlight: number;
}

export function previewDecision(pipeline: Pipeline, request: ChatRequest, hints: RoutingHints | undefined): DecisionPreview {
  const route = pipeline.resolve(request.model);
  const { services } = pipeline;
  const plan = previewChatPlan(services, route, pipeline.runtimes.of(route), request, hints);
  const now = services.now();
  return {
    route: plan.route,
    strategy: plan.strategy,
    reason: plan.reason,
    ...(plan.variant ? { variant: plan.variant } : {}),
    ...(plan.auto ? { auto: plan.auto } : {}),
    plan: plan.attempts.map((attempt, index) => ({
      rank: index + 1,
      deployment: attempt.deployment.id,
      provider: attempt.provider.id,
      model: attempt.deployment.model,
      tier: attempt.tier,
      reason: attempt.note,
      health: healthSummary(services.store, attempt.deployment.id, now),
    })),
    excluded: plan.excluded,
  };
}

function healthSummary(store: StateStore, deployment: string, now: number): HealthSummary {
  const health = reportHealth(store.snapshot(deployment, now));
  return {
    breaker: health.breaker.status,
    latencyMs: health.latencyMs,
    ttftMs: health.ttftMs,
    successRate: health.successRate,
    inFlight: health.inFlight,
  };
}
