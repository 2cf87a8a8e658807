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
import type { Catalog, Deployment, Provider, Route, TierName } from './catalog';
import type { RequestNeeds } from './needs';
import { strategies } from './strategies';
import type { AutoDecision } from './auto/types';
import { servesSkills } from './experts/skills';
import type { AdaptiveKnowledge, AutoKnowledge, Candidate, RouteStrategyState, StrategyContext, StrategyDecision, StrategyName, StrategyRequest } from './strategies/types';

export type { Candidate } from './strategies/types';

export interface PlannedAttempt extends Candidate {
  tier: TierName | 'last-resort';
  /**
   * Why it sits where it does. Planned attempts write it when it is read (only the dry-run
   * decision API does), not on every request; it is a getter, so `{ ...attempt }` drops it.
   */
  readonly note: string;
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
  /** auto: the decision of the first tier the strategy ordered. */
  auto?: AutoDecision;
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
  /** The learned model and feedback, for the auto strategy. */
  auto?: AutoKnowledge;
  /** Deployments an SLA mitigation drained: tried only after every other one. */
  drained?: ReadonlySet<string>;
  /** The learned shares, for the adaptive strategy. */
  adaptive?: AdaptiveKnowledge;
  /** Factors an SLA mitigation put on deployments' weights (weighted and adaptive honour them). */
  weightFactor?: (deployment: string) => number;
  /** Expert routing: the skills the request needs; tagged deployments go first, or alone when strict. */
  skills?: SkillNeeds;
}

export interface SkillNeeds {
  needed: readonly string[];
  /** Untagged deployments are excluded rather than tried after the tagged ones. */
  strict: boolean;
}

/**
 * A planned attempt. Its note is put together on first read from what planning kept (rank,
 * the strategy's notes), because every request plans and almost none reads the notes.
 */
class PlannedCandidate implements PlannedAttempt {
  readonly deployment: Deployment;
  readonly provider: Provider;
  readonly tier: TierName | 'last-resort';
  /** 1-based place within its tier; 0 for a last resort. */
  readonly #rank: number;
  /** The strategy's notes (healthy) or the finished note (last resort). */
  readonly #detail: StrategyDecision['notes'] | string;
  #note: string | undefined;

  constructor(candidate: Candidate, tier: TierName | 'last-resort', rank: number, detail: StrategyDecision['notes'] | string) {
    this.deployment = candidate.deployment;
    this.provider = candidate.provider;
    this.tier = tier;
    this.#rank = rank;
    this.#detail = detail;
  }

  get note(): string {
    if (this.#note === undefined) {
      const detail = this.#detail;
      if (typeof detail === 'string') {
        this.#note = detail;
      } else {
        const strategyNote = detail?.()[this.deployment.id];
        // After a colon, not in parentheses: strategies' notes have their own, e.g. `weight 3 (75%)`.
        this.#note = `${this.tier} #${this.#rank}${strategyNote ? `: ${strategyNote}` : ''}`;
      }
    }
    return this.#note;
  }

  /** Serialised like a plain attempt, note included. */
  toJSON(): { deployment: Deployment; provider: Provider; tier: TierName | 'last-resort'; note: string } {
    return { deployment: this.deployment, provider: this.provider, tier: this.tier, note: this.note };
  }
}

export function planRoute(input: PlanInput): AttemptPlan {
  const { route, catalog, needs, now, overrides } = input;
  const strategyName = overrides?.strategy ?? route.strategy;
  const strategy = strategies[strategyName];
  // Arrays are made at the most they can hold and trimmed at the end: cheaper than growing
  // them from [] on every request.
  let capacity = 0;
  for (const tier of route.tiers) capacity += tier.deployments.length;
  const attempts = new Array<PlannedAttempt>(capacity);
  let planned = 0;
  let lastResort: PlannedCandidate[] | undefined;
  const excluded: Exclusion[] = [];
  let reason = '';
  let variant: string | undefined;
  let auto: AutoDecision | undefined;

  // One health read per deployment per plan: the strategy is served the snapshot the
  // unhealthy check saw, so both judge the same state and the store is asked once.
  const readIds = new Array<string>(capacity);
  const readSnapshots = new Array<HealthSnapshot>(capacity);
  let reads = 0;
  const health = (id: string): HealthSnapshot => {
    for (let index = reads - 1; index >= 0; index -= 1) if (readIds[index] === id) return readSnapshots[index];
    return input.health(id);
  };
  const context: StrategyContext = { health, request: input.request, options: route.strategyOptions, state: input.state, random: input.random, now, route: route.name };
  if (input.auto) context.auto = input.auto;
  if (input.adaptive) context.adaptive = input.adaptive;
  if (input.weightFactor) context.weightFactor = input.weightFactor;
  const skills = input.skills !== undefined && input.skills.needed.length > 0 ? input.skills : undefined;

  for (const tier of route.tiers) {
    const healthy = new Array<Candidate>(tier.deployments.length);
    let count = 0;
    for (const id of tier.deployments) {
      const deployment = catalog.deployments.get(id);
      const provider = deployment && catalog.providers.get(deployment.provider);
      if (!deployment || !provider) {
        excluded.push({ deployment: id, tier: tier.name, reason: 'not in the catalog' });
        continue;
      }
      const unfit = unfitReason(deployment, needs, overrides) ?? (skills?.strict && !servesSkills(deployment, skills.needed) ? `not tagged for ${skills.needed.join(', ')} (strict expert routing)` : undefined);
      if (unfit) {
        excluded.push({ deployment: id, tier: tier.name, reason: unfit });
        continue;
      }
      const snapshot = input.health(id);
      const unwell = input.drained?.has(id) ? 'drained by an SLA mitigation' : unwellReason(snapshot, now);
      if (unwell) {
        (lastResort ??= []).push(new PlannedCandidate({ deployment, provider }, 'last-resort', 0, `${unwell}; tried only after every healthy deployment`));
      } else {
        readIds[reads] = id;
        readSnapshots[reads] = snapshot;
        reads += 1;
        healthy[count++] = { deployment, provider };
      }
    }
    if (count === 0) continue;
    healthy.length = count;
    const decision = overrides?.pin ? pinOrder(healthy, overrides.pin) : skills && !skills.strict ? expertsFirst(healthy, skills.needed, (group) => strategy(group, context)) : strategy(healthy, context);
    variant ??= decision.variant;
    auto ??= decision.auto;
    reason = append(reason, `${tier.name}: ${decision.reason}`);
    for (let index = 0; index < decision.ordered.length; index += 1) {
      attempts[planned++] = new PlannedCandidate(decision.ordered[index], tier.name, index + 1, decision.notes);
    }
  }
  if (lastResort !== undefined) {
    let ids = '';
    for (const attempt of lastResort) {
      ids = ids === '' ? attempt.deployment.id : `${ids}, ${attempt.deployment.id}`;
      attempts[planned++] = attempt;
    }
    reason = append(reason, `last resort: ${ids}`);
  }
  attempts.length = planned;
  const plan: AttemptPlan = { route: route.name, strategy: strategyName, attempts, excluded, reason: reason === '' ? 'no capable deployment' : reason };
  if (variant !== undefined) plan.variant = variant;
  if (auto !== undefined) plan.auto = auto;
  return plan;
}

/** Tier reasons joined by '; '. */
function append(reason: string, part: string): string {
  return reason === '' ? part : `${reason}; ${part}`;
}

function unfitReason(deployment: Deployment, needs: RequestNeeds, overrides: PlanOverrides | undefined): string | undefined {
  if (overrides?.exclude?.includes(deployment.id)) return 'excluded by the request';
  if (overrides?.pin && !overrides.pin.includes(deployment.id)) return 'not pinned by the request';
  for (const capability of needs.capabilities) {
    // The list is built only once something is missing: nearly every deployment has it all.
    if (!deployment.capabilities.includes(capability)) return `lacks ${needs.capabilities.filter((needed) => !deployment.capabilities.includes(needed)).join(', ')}`;
  }
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

/**
 * Expert routing without strictness: the strategy orders the deployments tagged for the needed
 * skills, then, separately, the others, which come after every tagged one.
 */
function expertsFirst(candidates: Candidate[], needed: readonly string[], order: (group: Candidate[]) => StrategyDecision): StrategyDecision {
  const tagged = candidates.filter((candidate) => servesSkills(candidate.deployment, needed));
  if (tagged.length === 0 || tagged.length === candidates.length) {
    const decision = order(candidates);
    const which = tagged.length === 0 ? `none tagged for ${needed.join(', ')}` : `all tagged for ${needed.join(', ')}`;
    return { ...decision, reason: `${which}; ${decision.reason}` };
  }
  const experts = order(tagged);
  const rest = order(candidates.filter((candidate) => !tagged.includes(candidate)));
  const notes = () => ({ ...rest.notes?.(), ...experts.notes?.() });
  return {
    ordered: [...experts.ordered, ...rest.ordered],
    reason: `tagged for ${needed.join(', ')} first: ${experts.reason}; then the others: ${rest.reason}`,
    notes,
    ...(experts.variant === undefined ? {} : { variant: experts.variant }),
    ...(experts.auto === undefined ? {} : { auto: experts.auto }),
  };
}

function pinOrder(candidates: Candidate[], pin: string[]): StrategyDecision {
  const ordered = [...candidates].sort((a, b) => pin.indexOf(a.deployment.id) - pin.indexOf(b.deployment.id));
  return { ordered, reason: `pinned by the request: ${ordered.map((c) => c.deployment.id).join(' → ')}` };
}
