/**
 * Quality feedback for the adaptive strategy, through the same `POST /feedback
 * {request_id, score}` that scores auto-routed requests: a request the adaptive strategy routed
 * is remembered by its id (boundedly), and its score in [0, 1] becomes the deployment's quality
 * signal in its route's learner. Any other id goes on to auto-routing's feedback as before.
 * Another tenant's request is answered like an unknown one.
 */
import type { AdaptiveRouting } from '../routing/adaptive/adaptive-routing';
import type { GatewayObserver } from '../gateway/events';
import { tellsOfDeployment } from '../routing/classify-attempt';
import type { LedgerEntry } from '../ledger/types';
import type { FeedbackCaller, LearningOperations } from './learning';

export function withAdaptiveFeedback(learning: LearningOperations, adaptive: AdaptiveRouting): LearningOperations {
  return {
    ...learning,
    feedback(input, caller) {
      const decision = adaptive.decision(input.requestId);
      if (decision === undefined || !mayScore(decision.principal, caller)) return learning.feedback(input, caller);
      const before = adaptive.learner(decision.route)?.arms().find((arm) => arm.deployment === decision.deployment)?.quality;
      const result = adaptive.feedback(input.requestId, input.score);
      if (result === undefined) return learning.feedback(input, caller);
      // Before any feedback the learner expects nothing in particular: the middle of the scale.
      const expected = before ?? 0.5;
      return {
        requestId: input.requestId,
        route: decision.route,
        pattern: 'adaptive',
        deployment: decision.deployment,
        predictedQuality: expected,
        score: input.score,
        residual: input.score - expected,
        observations: result.arm.feedback,
      };
    },
  };
}

/**
 * The adaptive strategy's senses in a running gateway: every finished attempt on a route that
 * routes adaptively moves its learner, and every answered request it routed is remembered so
 * it may be scored later.
 */
export function feedAdaptiveRouting(adaptive: AdaptiveRouting): GatewayObserver {
  return function feedAdaptive(event) {
    if (event.type === 'attempt-end') {
      if (!tellsOfDeployment(event.outcome, event.errorCode)) return;
      adaptive.observe(event.route, event.deployment, { success: event.outcome === 'success', latencyMs: event.durationMs, outputTokens: event.outputTokens });
    } else if (event.type === 'request-end') {
      rememberAdaptiveRequest(adaptive, event.entry);
    }
  };
}

function rememberAdaptiveRequest(adaptive: AdaptiveRouting, entry: LedgerEntry): void {
  if (entry.strategy !== 'adaptive' || entry.deployment === undefined || entry.status >= 400) return;
  // A request that asked for adaptive on another route (x-junction-strategy) starts that route's learning.
  adaptive.learner(entry.route);
  adaptive.remember(entry.requestId, { route: entry.route, deployment: entry.deployment, ...(entry.principal === undefined ? {} : { principal: entry.principal }) });
}

function mayScore(principal: string | undefined, caller: FeedbackCaller): boolean {
  return caller === 'admin' || principal === undefined || (caller !== undefined && caller.principal === principal);
}
