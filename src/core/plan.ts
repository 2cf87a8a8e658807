/**
 * Attempt planning: which deployments of a route may serve a request, and in what order.
 * Pure: the catalog, the request's needs, live health and a strategy in; a plan with a written
 * reason for every candidate's rank or exclusion out.
 *
 * Per tier (primary → secondary → emergency → local): drop what cannot serve the request
 * (capabilities, context window, the caller's exclusions or pins), set aside what is unhealthy
 * right now (breaker open, cooling down after a 429, misconfigured credentials), and let the
 * route's strategy order the rest. The set-aside deployments go after every healthy one as a
 * last resort, so a request never fails while anything capable might still answer.
 */
import type { HealthSnapshot } from './health';
import type { Catalog, Deployment, Route, TierName } from './model';
import type { RequestNeeds } from './needs';
import { strategies } from './strategies';
import type { Candidate, RouteStrategyState, StrategyDecision, StrategyName, StrategyRequest } from './strategies/types';

export type { Candidate } from './strategies/types';

export interface PlannedAttempt extends Candidate {
  tier: TierName | 'last-resort';
  /** Why it sits where it does. */
  note: string;
}

export interface Exclusion {
  deployment: string;
  tier: TierName;
  reason: string;
}

export interface AttemptPlan {
  route: string;
  strategy: StrategyName;
  /** Candidates in the order the executor tries them. */
  attempts: PlannedAttempt[];
  /** Deployments of the route left out, each with why. */
  excluded: Exclusion[];
  /** The strategy's account of the order, tier by tier. */
  reason: string;
  /** A/B split: the variant assigned to this caller. */
  variant?: string;
}

/** What the caller asked to change about routing (headers), already checked against the route's permissions. */
export interface PlanOverrides {
  strategy?: StrategyName;
  /** Only these deployments, in this order of preference. */
  pin?: string[];
  exclude?: string[];
}

export interface PlanInput {
  route: Route;
  catalog: Catalog;
  needs: RequestNeeds;
  health: (deployment: string) => HealthSnapshot;
  request: StrategyRequest;
  state: RouteStrategyState;
  random: () => number;
  now: number;
  overrides?: PlanOverrides;
}

export function planRoute(input: PlanInput): AttemptPlan {
  const { route, catalog, needs, health, now, overrides } = input;
  const strategyName = overrides?.strategy ?? route.strategy;
  const strategy = strategies[strategyName];
  const attempts: PlannedAttempt[] = [];
  const lastResort: PlannedAttempt[] = [];
  const excluded: Exclusion[] = [];
  const reasons: string[] = [];
  let variant: string | undefined;

  for (const tier of route.tiers) {
    const healthy: Candidate[] = [];
    for (const id of tier.deployments) {
      const deployment = catalog.deployments.get(id);
      const provider = deployment && catalog.providers.get(deployment.provider);
      if (!deployment || !provider) {
        excluded.push({ deployment: id, tier: tier.name, reason: 'not in the catalog' });
        continue;
      }
      const unfit = unfitReason(deployment, needs, overrides);
      if (unfit) {
        excluded.push({ deployment: id, tier: tier.name, reason: unfit });
        continue;
      }
      const unwell = unwellReason(health(id), now);
      if (unwell) lastResort.push({ deployment, provider, tier: 'last-resort', note: `${unwell}; tried only after every healthy deployment` });
      else healthy.push({ deployment, provider });
    }
    if (healthy.length === 0) continue;
    const pinned = overrides?.pin ? pinOrder(healthy, overrides.pin) : undefined;
    const decision = pinned ?? strategy(healthy, { health, request: input.request, options: route.strategyOptions, state: input.state, random: input.random, now });
    variant ??= decision.variant;
    reasons.push(`${tier.name}: ${decision.reason}`);
    decision.ordered.forEach((candidate, index) => {
      const note = decision.notes?.[candidate.deployment.id];
      attempts.push({ ...candidate, tier: tier.name, note: `${tier.name} #${index + 1}${note ? ` (${note})` : ''}` });
    });
  }
  if (lastResort.length > 0) reasons.push(`last resort: ${lastResort.map((attempt) => attempt.deployment.id).join(', ')}`);
  attempts.push(...lastResort);
  return {
    route: route.name,
    strategy: strategyName,
    attempts,
    excluded,
    reason: reasons.length > 0 ? reasons.join('; ') : 'no capable deployment',
    ...(variant === undefined ? {} : { variant }),
  };
}

function unfitReason(deployment: Deployment, needs: RequestNeeds, overrides: PlanOverrides | undefined): string | undefined {
  if (overrides?.exclude?.includes(deployment.id)) return 'excluded by the request';
  if (overrides?.pin && !overrides.pin.includes(deployment.id)) return 'not pinned by the request';
  const missing = needs.capabilities.filter((capability) => !deployment.capabilities.includes(capability));
  if (missing.length > 0) return `lacks ${missing.join(', ')}`;
  const required = needs.estimatedInputTokens + (needs.maxOutputTokens ?? 0);
  if (required > deployment.contextWindow) return `context window ${deployment.contextWindow} < ~${required} tokens needed`;
  return undefined;
}

/** Why a capable deployment should wait until healthy ones were tried, if it should. */
function unwellReason(health: HealthSnapshot, now: number): string | undefined {
  if (health.misconfigured) return `credentials refused (${health.lastError?.code ?? '401/403'})`;
  if (health.breaker.status === 'open' && (health.breaker.retryAt ?? 0) > now) return `breaker open until ${new Date(health.breaker.retryAt!).toISOString()}`;
  if (health.coolingDownUntil !== undefined && health.coolingDownUntil > now) return `rate-limited until ${new Date(health.coolingDownUntil).toISOString()}`;
  return undefined;
}

function pinOrder(candidates: Candidate[], pin: string[]): StrategyDecision {
  const ordered = [...candidates].sort((a, b) => pin.indexOf(a.deployment.id) - pin.indexOf(b.deployment.id));
  return { ordered, reason: `pinned by the request: ${ordered.map((c) => c.deployment.id).join(' → ')}` };
}
