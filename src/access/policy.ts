/**
 * Which counters one request draws on, and how much: the pure part of admission. A request
 * draws on its key's, its team's, its route's and the gateway's rate limits and budgets, and on
 * the budgets of every provider its route may send it to. Budgets reserve the most the request
 * can cost on any deployment of the route (doubled when the route hedges: both attempts may be
 * paid for); settlement charges what it really cost.
 */
import type { LimitSettings, RouteAccess } from '../config/types';
import type { LedgerEntry } from '../ledger/types';
import type { Catalog, Route } from '../routing/catalog';
import type { Calendar, CalendarWindow } from './calendar';
import type { Draw, LimitRule } from './limits/types';
import type { Budget, KeyRecord, RateLimits, TeamRecord } from './types';

/** Who a counter belongs to and what it counts, for refusals, headers and reports. */
export interface DrawLabel {
  owner: 'key' | 'team' | 'route' | 'global' | 'provider';
  id: string;
  /** `rpm`, `rpd`, `tpm`, `tpd`, `concurrent`, or `budget`. */
  limit: 'rpm' | 'rpd' | 'tpm' | 'tpd' | 'concurrent' | 'budget';
  period?: Budget['period'];
  /** How a store outage is handled: rate limits and budgets each have their own setting. */
  sort: 'rate' | 'budget';
}

export interface DrawPlan {
  draws: Draw[];
  labels: DrawLabel[];
}

/** The caller as the key ring knows it. */
export interface CallerRecords {
  key: KeyRecord;
  team?: TeamRecord;
}

/** What the request may use: its estimated input, a bound on it, and the output it may produce. */
export interface RequestSize {
  /** Reserved against token limits, settled with the real count. */
  inputTokens: number;
  /** Reserved against budgets: the real count can never exceed it. */
  inputTokenBound: number;
  outputTokens: number | undefined;
}

const NANOS_PER_USD = 1e9;

/** Budgets are counted in whole nano-dollars; a charge rounds up, so rounding never lets spend past a cap. */
export function usdToNanos(usd: number): number {
  return Math.ceil(usd * NANOS_PER_USD - 1e-6);
}

/** The cap itself rounds down. */
function budgetNanos(usd: number): number {
  return Math.floor(usd * NANOS_PER_USD + 1e-6);
}

/** The most a request can cost on each deployment of a route, worked out per request size. */
export class RouteCosts {
  private readonly deployments: Array<{ provider: string; input: number; output: number; maxOutput: number }> = [];
  readonly providers: string[];
  private readonly attempts: number;

  constructor(catalog: Catalog, route: Route) {
    const seen = new Set<string>();
    for (const tier of route.tiers) {
      for (const id of tier.deployments) {
        const deployment = catalog.deployments.get(id);
        if (!deployment || seen.has(id)) continue;
        seen.add(id);
        this.deployments.push({
          provider: deployment.provider,
          input: deployment.pricing.inputPerMillion,
          output: deployment.pricing.outputPerMillion,
          maxOutput: deployment.maxOutputTokens ?? Number.POSITIVE_INFINITY,
        });
      }
    }
    this.providers = [...new Set(this.deployments.map((deployment) => deployment.provider))];
    this.attempts = route.hedge ? 2 : 1;
  }

  /** The most the request can cost (USD), overall and per provider. */
  bound(size: RequestSize, defaultMaxOutput: number): { total: number; byProvider: Map<string, number> } {
    const byProvider = new Map<string, number>();
    for (const provider of this.providers) byProvider.set(provider, this.most(size, defaultMaxOutput, provider));
    return { total: this.most(size, defaultMaxOutput), byProvider };
  }

  /** The most the request can cost (USD) on any deployment of the route, or on those of one provider. */
  most(size: RequestSize, defaultMaxOutput: number, provider?: string): number {
    let most = 0;
    for (const deployment of this.deployments) {
      if (provider !== undefined && deployment.provider !== provider) continue;
      const output = Math.min(size.outputTokens ?? defaultMaxOutput, deployment.maxOutput);
      const cost = ((size.inputTokenBound * deployment.input + output * deployment.output) / 1_000_000) * this.attempts;
      if (cost > most) most = cost;
    }
    return most;
  }
}

/** What one draw takes from each request: one request, its reserved tokens, or its cost bound (overall or on one provider). */
type Measure = 'request' | 'tokens' | 'cost' | { provider: string };

/**
 * The counters a caller's requests on one route draw on, and what each takes, worked out once
 * and reused for each request: only the amounts depend on the request. It holds while every
 * calendar window it names contains `now` (`from` to `until`), and only for the records it was
 * worked out from (records are never changed in place: the key ring replaces them, frozen).
 */
interface PlanShape {
  rules: LimitRule[];
  labels: DrawLabel[];
  measures: Measure[];
  from: number;
  until: number;
  team: TeamRecord | undefined;
}

/**
 * Builds a request's draws. One per process; reads only its settings and the calendar, and
 * keeps each caller's plan shape per route: per key record in a WeakMap, so a replaced or
 * dropped record takes its shapes with it, and at most one per route each.
 */
export class DrawPolicy {
  private readonly byKey = new WeakMap<KeyRecord, Map<string, PlanShape>>();
  private readonly anonymous = new Map<string, PlanShape>();

  constructor(
    private readonly settings: LimitSettings,
    private readonly calendar: Calendar,
  ) {}

  plan(caller: CallerRecords | undefined, route: Route, costs: RouteCosts, size: RequestSize, now: number): DrawPlan {
    const shape = this.shapeFor(caller, route, costs, now);
    const { measures } = shape;
    const defaultMaxOutput = this.settings.defaultMaxOutputTokens;
    const reservedTokens = size.inputTokens + Math.max(0, size.outputTokens ?? defaultMaxOutput);
    let cost = -1;
    const draws: Draw[] = new Array(measures.length);
    for (let index = 0; index < measures.length; index += 1) {
      const measure = measures[index]!;
      let amount: number;
      if (measure === 'request') amount = 1;
      else if (measure === 'tokens') amount = reservedTokens;
      else if (measure === 'cost') amount = cost >= 0 ? cost : (cost = usdToNanos(costs.most(size, defaultMaxOutput)));
      else amount = usdToNanos(costs.most(size, defaultMaxOutput, measure.provider));
      draws[index] = { rule: shape.rules[index]!, amount };
    }
    return { draws, labels: shape.labels };
  }

  /** A key's or a team's own counters, drawing nothing: what a usage report reads. */
  counters(owner: { key: KeyRecord } | { team: TeamRecord }, now: number): DrawPlan {
    const shape = newShape(undefined);
    if ('key' in owner) this.keyDraws(shape, owner.key, now);
    else this.teamDraws(shape, owner.team, now);
    return { draws: shape.rules.map((rule) => ({ rule, amount: 0 })), labels: shape.labels };
  }

  private shapeFor(caller: CallerRecords | undefined, route: Route, costs: RouteCosts, now: number): PlanShape {
    let shapes = this.anonymous;
    if (caller) {
      let known = this.byKey.get(caller.key);
      if (known === undefined) this.byKey.set(caller.key, (known = new Map()));
      shapes = known;
    }
    const held = shapes.get(route.name);
    if (held !== undefined && held.team === caller?.team && now >= held.from && now < held.until) return held;
    const shape = this.buildShape(caller, route, costs, now);
    shapes.set(route.name, shape);
    return shape;
  }

  private buildShape(caller: CallerRecords | undefined, route: Route, costs: RouteCosts, now: number): PlanShape {
    const shape = newShape(caller?.team);
    if (caller) {
      this.keyDraws(shape, caller.key, now);
      if (caller.team) this.teamDraws(shape, caller.team, now);
    }
    const access: RouteAccess | undefined = this.settings.routes.get(route.name);
    if (access) {
      this.rates(shape, 'route', route.name, access.limits, now);
      this.budgets(shape, 'route', route.name, access.budgets, 'cost', now);
    }
    this.rates(shape, 'global', 'gateway', this.settings.global.limits, now);
    this.budgets(shape, 'global', 'gateway', this.settings.global.budgets, 'cost', now);
    for (const provider of costs.providers) {
      const budgets = this.settings.providers.get(provider);
      if (budgets) this.budgets(shape, 'provider', provider, budgets, { provider }, now);
    }
    Object.freeze(shape.rules);
    Object.freeze(shape.labels);
    return shape;
  }

  private keyDraws(shape: PlanShape, key: KeyRecord, now: number): void {
    const multiplier = this.settings.tierMultipliers[key.tier];
    this.rates(shape, 'key', key.id, scaled({ ...this.settings.keyDefaults, ...key.limits }, multiplier), now);
    const maxConcurrent = key.limits.maxConcurrent ?? this.settings.keyDefaults.maxConcurrent;
    if (maxConcurrent !== undefined) {
      add(shape, { kind: 'concurrency', key: `key:${key.id}:concurrent`, limit: Math.max(1, Math.floor(maxConcurrent * multiplier)) }, 'request', { owner: 'key', id: key.id, limit: 'concurrent', sort: 'rate' });
    }
    this.budgets(shape, 'key', key.id, key.budgets, 'cost', now);
  }

  private teamDraws(shape: PlanShape, team: TeamRecord, now: number): void {
    this.rates(shape, 'team', team.id, team.limits, now);
    this.budgets(shape, 'team', team.id, team.budgets, 'cost', now);
  }

  private rates(shape: PlanShape, owner: DrawLabel['owner'], id: string, limits: RateLimits, now: number): void {
    const base = `${owner}:${id}`;
    if (limits.rpm !== undefined) {
      const capacity = Math.max(1, limits.burst ?? Math.ceil(limits.rpm / 60));
      add(shape, { kind: 'rate', key: `${base}:rpm`, perMinute: limits.rpm, capacity }, 'request', { owner, id, limit: 'rpm', sort: 'rate' });
    }
    if (limits.tpm !== undefined) {
      // A whole minute's tokens by default: one request may take many, and must be able to fit.
      const capacity = Math.max(1, limits.tokenBurst ?? limits.tpm);
      add(shape, { kind: 'rate', key: `${base}:tpm`, perMinute: limits.tpm, capacity }, 'tokens', { owner, id, limit: 'tpm', sort: 'rate' });
    }
    if (limits.rpd !== undefined || limits.tpd !== undefined) {
      const day = window(shape, this.calendar, 'day', now);
      if (limits.rpd !== undefined) add(shape, { kind: 'quota', key: `${base}:rpd:${day.label}`, limit: limits.rpd, windowEnd: day.end }, 'request', { owner, id, limit: 'rpd', sort: 'rate' });
      if (limits.tpd !== undefined) add(shape, { kind: 'quota', key: `${base}:tpd:${day.label}`, limit: limits.tpd, windowEnd: day.end }, 'tokens', { owner, id, limit: 'tpd', sort: 'rate' });
    }
  }

  private budgets(shape: PlanShape, owner: DrawLabel['owner'], id: string, budgets: readonly Budget[], measure: Measure, now: number): void {
    for (const budget of budgets) {
      const period = window(shape, this.calendar, budget.period, now);
      const rule: LimitRule = { kind: 'quota', key: `${owner}:${id}:usd:${period.label}`, limit: budgetNanos(budget.usd), windowEnd: period.end, alertAt: this.settings.alerts.thresholds };
      add(shape, rule, measure, { owner, id, limit: 'budget', period: budget.period, sort: 'budget' });
    }
  }
}

function newShape(team: TeamRecord | undefined): PlanShape {
  return { rules: [], labels: [], measures: [], from: Number.NEGATIVE_INFINITY, until: Number.POSITIVE_INFINITY, team };
}

function add(shape: PlanShape, rule: LimitRule, measure: Measure, label: DrawLabel): void {
  shape.rules.push(Object.freeze(rule));
  shape.measures.push(measure);
  shape.labels.push(Object.freeze(label));
}

/** The calendar window of `period` at `now`; the shape holds only while it does. */
function window(shape: PlanShape, calendar: Calendar, period: Budget['period'], now: number): CalendarWindow {
  const found = calendar.window(period, now);
  if (found.start > shape.from) shape.from = found.start;
  if (found.end < shape.until) shape.until = found.end;
  return found;
}

function scaled(limits: RateLimits, multiplier: number): RateLimits {
  if (multiplier === 1) return limits;
  const scale = (value: number | undefined) => (value === undefined ? undefined : Math.max(1, Math.floor(value * multiplier)));
  const result: RateLimits = {};
  for (const field of ['rpm', 'rpd', 'tpm', 'tpd', 'burst', 'tokenBurst'] as const) {
    const value = scale(limits[field]);
    if (value !== undefined) result[field] = value;
  }
  return result;
}

/** What each draw really used, from the request's ledger entry. */
export function actualsOf(plan: DrawPlan, entry: LedgerEntry, providerOf: (deployment: string) => string | undefined): number[] {
  const tokens = entry.inputTokens + entry.outputTokens;
  return plan.labels.map((label) => {
    switch (label.limit) {
      case 'rpm':
      case 'rpd':
      case 'concurrent':
        return 1;
      case 'tpm':
      case 'tpd':
        return tokens;
      case 'budget': {
        if (label.owner !== 'provider') return usdToNanos(entry.costUsd);
        let cost = 0;
        for (const attempt of entry.attempts) if (providerOf(attempt.deployment) === label.id) cost += attempt.costUsd;
        return usdToNanos(cost);
      }
    }
  });
}

/** How a refusal names its limit to the caller, e.g. `the key's requests per minute (rpm)`. */
export function describeLabel(label: DrawLabel): string {
  return `${label.owner === 'global' ? "the gateway's" : label.owner === 'key' ? "the key's" : `${label.owner} ${label.id}'s`} ${describeLimit(label)}`;
}

/**
 * How an alert names a limit to the operator, who needs to know whose it is: the key by its id
 * (`key key_1MQL's monthly budget`), the rest as a refusal names them.
 */
export function alertLabel(label: DrawLabel): string {
  return label.owner === 'key' ? `key ${label.id}'s ${describeLimit(label)}` : describeLabel(label);
}

function describeLimit(label: DrawLabel): string {
  const what: Record<DrawLabel['limit'], string> = {
    rpm: 'requests per minute (rpm)',
    rpd: 'requests per day (rpd)',
    tpm: 'tokens per minute (tpm)',
    tpd: 'tokens per day (tpd)',
    concurrent: 'requests in flight (maxConcurrent)',
    budget: `${label.period === 'lifetime' ? 'lifetime' : `${label.period}ly`.replace('dayly', 'daily')} budget`,
  };
  return what[label.limit];
}
