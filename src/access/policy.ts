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
import type { Calendar } from './calendar';
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
    let total = 0;
    const byProvider = new Map<string, number>();
    for (const deployment of this.deployments) {
      const output = Math.min(size.outputTokens ?? defaultMaxOutput, deployment.maxOutput);
      const cost = ((size.inputTokenBound * deployment.input + output * deployment.output) / 1_000_000) * this.attempts;
      total = Math.max(total, cost);
      byProvider.set(deployment.provider, Math.max(byProvider.get(deployment.provider) ?? 0, cost));
    }
    return { total, byProvider };
  }
}

/** Builds a request's draws. One per process; reads only its settings and the calendar. */
export class DrawPolicy {
  constructor(
    private readonly settings: LimitSettings,
    private readonly calendar: Calendar,
  ) {}

  plan(caller: CallerRecords | undefined, route: Route, costs: RouteCosts, size: RequestSize, now: number): DrawPlan {
    const plan: DrawPlan = { draws: [], labels: [] };
    const reservedTokens = size.inputTokens + Math.max(0, size.outputTokens ?? this.settings.defaultMaxOutputTokens);
    const bound = costs.bound(size, this.settings.defaultMaxOutputTokens);
    if (caller) {
      this.keyDraws(plan, caller.key, reservedTokens, bound.total, now);
      if (caller.team) this.teamDraws(plan, caller.team, reservedTokens, bound.total, now);
    }
    const access: RouteAccess | undefined = this.settings.routes.get(route.name);
    if (access) {
      this.rates(plan, 'route', route.name, access.limits, reservedTokens, now);
      this.budgets(plan, 'route', route.name, access.budgets, bound.total, now);
    }
    this.rates(plan, 'global', 'gateway', this.settings.global.limits, reservedTokens, now);
    this.budgets(plan, 'global', 'gateway', this.settings.global.budgets, bound.total, now);
    for (const provider of costs.providers) {
      const budgets = this.settings.providers.get(provider);
      if (budgets) this.budgets(plan, 'provider', provider, budgets, bound.byProvider.get(provider) ?? 0, now);
    }
    return plan;
  }

  /** A key's or a team's own counters, drawing nothing: what a usage report reads. */
  counters(owner: { key: KeyRecord } | { team: TeamRecord }, now: number): DrawPlan {
    const plan: DrawPlan = { draws: [], labels: [] };
    if ('key' in owner) this.keyDraws(plan, owner.key, 0, 0, now);
    else this.teamDraws(plan, owner.team, 0, 0, now);
    return plan;
  }

  private keyDraws(plan: DrawPlan, key: KeyRecord, tokens: number, maxCostUsd: number, now: number): void {
    const multiplier = this.settings.tierMultipliers[key.tier];
    this.rates(plan, 'key', key.id, scaled({ ...this.settings.keyDefaults, ...key.limits }, multiplier), tokens, now);
    const maxConcurrent = key.limits.maxConcurrent ?? this.settings.keyDefaults.maxConcurrent;
    if (maxConcurrent !== undefined) {
      this.add(plan, { kind: 'concurrency', key: `key:${key.id}:concurrent`, limit: Math.max(1, Math.floor(maxConcurrent * multiplier)) }, 1, { owner: 'key', id: key.id, limit: 'concurrent', sort: 'rate' });
    }
    this.budgets(plan, 'key', key.id, key.budgets, maxCostUsd, now);
  }

  private teamDraws(plan: DrawPlan, team: TeamRecord, tokens: number, maxCostUsd: number, now: number): void {
    this.rates(plan, 'team', team.id, team.limits, tokens, now);
    this.budgets(plan, 'team', team.id, team.budgets, maxCostUsd, now);
  }

  private rates(plan: DrawPlan, owner: DrawLabel['owner'], id: string, limits: RateLimits, tokens: number, now: number): void {
    const base = `${owner}:${id}`;
    if (limits.rpm !== undefined) {
      const capacity = Math.max(1, limits.burst ?? Math.ceil(limits.rpm / 60));
      this.add(plan, { kind: 'rate', key: `${base}:rpm`, perMinute: limits.rpm, capacity }, 1, { owner, id, limit: 'rpm', sort: 'rate' });
    }
    if (limits.tpm !== undefined) {
      // A whole minute's tokens by default: one request may take many, and must be able to fit.
      const capacity = Math.max(1, limits.tokenBurst ?? limits.tpm);
      this.add(plan, { kind: 'rate', key: `${base}:tpm`, perMinute: limits.tpm, capacity }, tokens, { owner, id, limit: 'tpm', sort: 'rate' });
    }
    if (limits.rpd !== undefined || limits.tpd !== undefined) {
      const day = this.calendar.window('day', now);
      if (limits.rpd !== undefined) this.add(plan, { kind: 'quota', key: `${base}:rpd:${day.label}`, limit: limits.rpd, windowEnd: day.end }, 1, { owner, id, limit: 'rpd', sort: 'rate' });
      if (limits.tpd !== undefined) this.add(plan, { kind: 'quota', key: `${base}:tpd:${day.label}`, limit: limits.tpd, windowEnd: day.end }, tokens, { owner, id, limit: 'tpd', sort: 'rate' });
    }
  }

  private budgets(plan: DrawPlan, owner: DrawLabel['owner'], id: string, budgets: readonly Budget[], maxCostUsd: number, now: number): void {
    for (const budget of budgets) {
      const window = this.calendar.window(budget.period, now);
      const rule: LimitRule = { kind: 'quota', key: `${owner}:${id}:usd:${window.label}`, limit: budgetNanos(budget.usd), windowEnd: window.end, alertAt: this.settings.alerts.thresholds };
      this.add(plan, rule, usdToNanos(maxCostUsd), { owner, id, limit: 'budget', period: budget.period, sort: 'budget' });
    }
  }

  private add(plan: DrawPlan, rule: LimitRule, amount: number, label: DrawLabel): void {
    plan.draws.push({ rule, amount });
    plan.labels.push(label);
  }
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
