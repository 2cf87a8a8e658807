/**
 * The plan stage: live health, the route's strategy state and the caller's hints in; an ordered
 * attempt plan out (routing/plan.ts does the pure work). Also the dry run behind the decision
 * preview, which reads the same inputs and changes nothing.
 */
import type { ChatRequest } from '../canonical/types';
import { AutoPrompt } from '../routing/auto/prompt';
import type { AutoDecision } from '../routing/auto/types';
import type { Catalog, Route } from '../routing/catalog';
import { chatNeeds, type RequestNeeds } from '../routing/needs';
import { planRoute, type AttemptPlan, type PlanInput, type SkillNeeds } from '../routing/plan';
import type { RouteStrategyState } from '../routing/strategies/types';
import type { Exchange } from './context';
import type { RouteRuntime } from './route-runtime';
import { overridesFor, strategyRequest, type RoutingHints } from './routing-hints';
import type { GatewayServices } from './services';
import { skillNeedsFor } from './expert-skills';
import type { WeightShifts } from '../routing/weight-shifts';

type PlanServices = Pick<GatewayServices, 'catalog' | 'store' | 'now' | 'random' | 'auto' | 'adaptive'> & { drained?: ReadonlySet<string>; weightShifts?: WeightShifts };

/** The request's plan; the request counts towards the route's retry budget and its record notes the decision. */
export function planExchange(services: PlanServices, exchange: Exchange, needs: RequestNeeds, user: string | undefined, chat?: ChatRequest): AttemptPlan {
  const { route, runtime, record } = exchange;
  runtime.budget.deposit();
  // Only the auto strategy reads the prompt: other routes allocate nothing for it.
  const hints = exchange.context.hints;
  const reads = chat !== undefined && (route.strategy === 'auto' || hints?.strategy === 'auto');
  const prompt = reads ? new AutoPrompt(chat) : undefined;
  const skills = skillNeedsFor(route, hints, chat, prompt);
  if (skills) (exchange.context.responseHeaders ??= {})['x-junction-skills'] = skills.needed.join(', ');
  const plan = buildPlan(services, exchange.catalog, route, needs, runtime.strategyState, hints, user, prompt, skills);
  record.decisionReason = plan.reason;
  record.strategy = plan.strategy;
  if (plan.variant) record.variant = plan.variant;
  if (plan.auto) {
    record.auto = plan.auto;
    writeAutoHeaders(plan.auto, (exchange.context.responseHeaders ??= {}));
  }
  return plan;
}

/** The auto decision in the answer's headers (streamed or not, success or error). */
function writeAutoHeaders(decision: AutoDecision, headers: Record<string, string>): void {
  const chosen = decision.candidates[0];
  headers['x-junction-auto'] = `${decision.mode}; decided-by=${decision.decidedBy}${decision.validation ? `; ${decision.validation}` : ''}`;
  headers['x-junction-confidence'] = `${decision.confidence.level}; ${decision.confidence.score}`;
  headers['x-junction-pattern'] = decision.pattern;
  headers['x-junction-complexity'] = String(decision.complexity);
  if (chosen) {
    headers['x-junction-predicted-quality'] = String(chosen.quality);
    headers['x-junction-predicted-cost-usd'] = chosen.costUsd.toFixed(8);
  }
}

/** Dry run: the plan a chat request would get now, calling no upstream and changing no state. */
export function previewChatPlan(services: PlanServices, route: Route, runtime: RouteRuntime, request: ChatRequest, hints: RoutingHints | undefined): AttemptPlan {
  // A copy of the strategy's memory, so a preview does not move a round-robin on.
  const state: RouteStrategyState = { currentWeights: new Map(runtime.strategyState.currentWeights) };
  const prompt = new AutoPrompt(request);
  return buildPlan(services, services.catalog, route, chatNeeds(request, runtime.smallestWindow), state, hints, request.user, prompt, skillNeedsFor(route, hints, request, prompt));
}

function buildPlan(
  services: PlanServices,
  catalog: Catalog,
  route: Route,
  needs: RequestNeeds,
  state: RouteStrategyState,
  hints: RoutingHints | undefined,
  user: string | undefined,
  prompt?: AutoPrompt,
  skills?: SkillNeeds,
): AttemptPlan {
  return planRoute({
    ...livePlanInput(services, route, state, hints),
    catalog,
    needs,
    request: strategyRequest(needs.estimatedInputTokens, needs.maxOutputTokens, hints, user, prompt, route),
    ...(skills ? { skills } : {}),
  });
}

/**
 * What every plan on `route` reads from the running gateway, whatever the endpoint: health at one
 * instant (every deployment judged at the same time), the strategy's state and randomness, the
 * caller's overrides, and what the auto and adaptive strategies and the SLA monitor's drains and
 * weight shifts say.
 */
export function livePlanInput(services: PlanServices, route: Route, state: RouteStrategyState, hints: RoutingHints | undefined) {
  const now = services.now();
  return {
    route,
    health: (id: string) => services.store.snapshot(id, now),
    state,
    random: services.random,
    now,
    overrides: overridesFor(route, hints),
    ...(services.auto ? { auto: services.auto } : {}),
    ...(services.drained !== undefined && services.drained.size > 0 ? { drained: services.drained } : {}),
    ...(services.adaptive ? { adaptive: services.adaptive } : {}),
    ...(services.weightShifts !== undefined && services.weightShifts.size > 0 ? { weightFactor: weightFactorOf(services.weightShifts) } : {}),
  } satisfies Partial<PlanInput>;
}

/** The shifts as the strategies read them (bound once per plan, only while any shift is in force). */
function weightFactorOf(shifts: WeightShifts): (deployment: string) => number {
  return (deployment) => shifts.factor(deployment);
}
