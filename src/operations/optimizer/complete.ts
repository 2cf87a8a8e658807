/**
 * POST /complete: one prompt answered through the optimiser's route as an ordinary chat request
 * (routed, retried, fallen back, limited and ledgered like any other), and the answer with how
 * it was routed, what it cost, and what today has cost so far.
 */
import type { ChatRequest } from '../../canonical/types';
import type { RequestContext } from '../../gateway/context';
import type { Pipeline } from '../../gateway/pipeline';
import type { Route } from '../../routing/catalog';
import { complexityMetadata, decisionView, strategyUsed, type ComplexityMetadata, type DecisionView } from './decision-fields';
import type { CompleteInput } from './inputs';
import { costToday, type SpendSource } from './ledger-stats';

export interface CompleteAnswer {
  response: string;
  /** The provider and upstream model of the deployment that answered. */
  provider: string | null;
  model: string | null;
  strategy_used: string;
  /** The decision's confidence score in [0, 1]; `null` when the route is not auto-routed. */
  confidence: number | null;
  complexity_metadata: ComplexityMetadata | null;
  routing_metadata: {
    request_id: string;
    route: string;
    deployment: string | null;
    attempts: number;
    fallback_tier: string | null;
    decision: DecisionView | null;
  };
  tokens_in: number;
  tokens_out: number;
  /** USD, every attempt included (as the ledger row). */
  cost: number;
  /** USD spent today by every request, this one included. */
  total_cost_today: number;
  cache_hit: boolean;
}

export interface CompleteDeps {
  pipeline: Pipeline;
  route: string;
  spend: SpendSource;
  timeZone: string;
}

/**
 * Whether the optimiser may choose the auto mode on `route`: only where the route lets requests
 * steer auto-routing (`overrides.auto`, on by default); elsewhere the route's own mode decides.
 */
export function mayChooseMode(route: Route): boolean {
  return route.overrides.auto;
}

/** A chat request for a bare prompt: one user message. */
export function promptRequest(route: string, prompt: string, maxTokens?: number): ChatRequest {
  const request: ChatRequest = { model: route, messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }], stream: false };
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  return request;
}

export async function complete(deps: CompleteDeps, input: CompleteInput, context: RequestContext): Promise<CompleteAnswer> {
  const { pipeline } = deps;
  // auto_route false is the safe default: the explainable complexity mode decides.
  // A route that does not exist is left to the pipeline: it answers 404 and ledgers the request.
  const route = pipeline.services.catalog.routes.get(deps.route);
  if (!input.autoRoute && route !== undefined && mayChooseMode(route)) context.hints = { ...context.hints, autoMode: 'complexity' };
  const { response, outcome } = await pipeline.chat(promptRequest(deps.route, input.prompt, input.maxTokens), context);
  const deployment = outcome.deployment === undefined ? undefined : pipeline.services.catalog.deployments.get(outcome.deployment);
  // The request's ledger row was recorded as it ended, so today's total includes it (a hedged
  // request's row waits for its losing attempt to settle, and counts from then).
  const totalCostToday = await costToday(deps.spend, pipeline.services.now(), deps.timeZone);
  const { auto } = outcome;
  return {
    response: response.text,
    provider: deployment?.provider ?? null,
    model: deployment?.model ?? null,
    strategy_used: strategyUsed(auto, outcome.strategy ?? pipeline.resolve(deps.route).strategy),
    confidence: auto?.confidence.score ?? null,
    complexity_metadata: complexityMetadata(auto),
    routing_metadata: {
      request_id: context.requestId,
      route: outcome.route,
      deployment: outcome.deployment ?? null,
      attempts: outcome.attempts,
      fallback_tier: outcome.tier ?? null,
      decision: decisionView(auto),
    },
    tokens_in: outcome.inputTokens ?? 0,
    tokens_out: outcome.outputTokens ?? 0,
    cost: outcome.costUsd ?? 0,
    total_cost_today: totalCostToday,
    cache_hit: outcome.cached === true,
  };
}
