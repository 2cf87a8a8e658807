/**
 * The authenticate and admit stages for virtual keys, limits and budgets, and the scope check
 * of endpoints outside the pipeline. Authentication answers from the key ring's memory; admission
 * reserves every counter the request draws on in one call to the limit store (one atomic round
 * trip on Redis, none on memory) and settles them with the request's real tokens and cost
 * when it ends, however it ends.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { LimitSettings } from '../config/types';
import { JunctionError, isJunctionError } from '../errors';
import type { Exchange, Principal, RequestContext } from '../gateway/context';
import type { Admission, Admit, Authenticate } from '../gateway/stages';
import type { LedgerEntry } from '../ledger/types';
import type { Catalog, Route } from '../routing/catalog';
import type { RequestNeeds } from '../routing/needs';
import { Calendar } from './calendar';
import type { KeyCheck, KeyRing } from './key-ring';
import type { Crossing, LimitStore, Reservation, ReserveOutcome } from './limits/types';
import { actualsOf, alertLabel, DrawPolicy, RouteCosts, type CallerRecords, type DrawPlan } from './policy';
import { refusalError, setRateLimitHeaders } from './refusals';
import type { KeyRecord, Scope, TeamRecord } from './types';

/** A caller with a virtual key. */
export interface KeyPrincipal extends Principal {
  key: KeyRecord;
  teamRecord?: TeamRecord;
}

/** Priority in queues: premium first. */
export const TIER_PRIORITY = { free: 0, standard: 1, premium: 2 } as const;

export interface AccessControlOptions {
  mode: 'open' | 'keys';
  ring: KeyRing;
  /** The admin key from the environment, if set. */
  adminKey?: string;
  limits: LimitSettings;
  store: LimitStore;
  catalog: Catalog;
  now: () => number;
  /** A soft budget threshold was crossed (exactly once per window across replicas). */
  onCrossing?: (crossing: Crossing, label: string) => void;
  /** The limit store could not answer and the request went on uncounted (fail-open). */
  onStoreDown?: (error: JunctionError) => void;
}

const REFUSAL_CODES = {
  missing: 'missing_api_key',
  malformed: 'invalid_api_key',
  unknown: 'invalid_api_key',
  revoked: 'api_key_revoked',
  expired: 'api_key_expired',
} as const;

const REFUSAL_TEXT = {
  missing: 'No API key: send it as `Authorization: Bearer <key>` or `x-api-key: <key>`',
  malformed: 'The API key is not a valid Junction key',
  unknown: 'The API key is not valid',
  revoked: 'The API key has been revoked',
  expired: 'The API key has expired',
} as const;

export interface AccessControl {
  authenticate: Authenticate;
  admit: Admit | undefined;
  /**
   * For endpoints outside the pipeline: the caller, or a coded 401/403. `admin` is the
   * environment's admin key; a `null` scope accepts any valid key.
   */
  require(credential: string | undefined, scope: Scope | null): KeyPrincipal | 'admin' | undefined | Promise<KeyPrincipal | 'admin' | undefined>;
}

export function createAccessControl(options: AccessControlOptions): AccessControl {
  const { ring, limits, store, catalog, now } = options;
  const policy = new DrawPolicy(limits, new Calendar(limits.timeZone));
  const costs = new Map<string, RouteCosts>();
  const costsOf = (route: Route) => {
    let known = costs.get(route.name);
    if (!known) costs.set(route.name, (known = new RouteCosts(catalog, route)));
    return known;
  };
  const providerOf = (deployment: string) => catalog.deployments.get(deployment)?.provider;
  const hasLimits = hasAnyLimit(limits);

  const principalOf = (check: KeyCheck): KeyPrincipal => {
    if (!check.ok) throw new JunctionError(REFUSAL_CODES[check.reason], REFUSAL_TEXT[check.reason]);
    const principal: KeyPrincipal = { id: check.key.id, key: check.key };
    if (check.key.team !== undefined) principal.team = check.key.team;
    if (check.team) principal.teamRecord = check.team;
    return principal;
  };

  const authenticate: Authenticate =
    options.mode === 'open'
      ? function openAccess() {
          return undefined;
        }
      : function authenticateKey(context: RequestContext) {
          const check = ring.check(context.credential, now());
          return check instanceof Promise ? check.then(principalOf) : principalOf(check);
        };

  const admit: Admit = function admitRequest(exchange: Exchange, needs: RequestNeeds) {
    const principal = exchange.principal as KeyPrincipal | undefined;
    if (principal) authorise(principal, exchange);
    const caller: CallerRecords | undefined = principal ? { key: principal.key, ...(principal.teamRecord ? { team: principal.teamRecord } : {}) } : undefined;
    const at = now();
    const plan = policy.plan(caller, exchange.route, costsOf(exchange.route), { inputTokens: needs.estimatedInputTokens, inputTokenBound: Math.max(needs.inputTokenBound ?? 0, needs.estimatedInputTokens), outputTokens: outputTokensOf(exchange, needs) }, at);
    if (plan.draws.length === 0) return undefined;
    // Holds outlive the request by a margin: a replica that dies holding them frees them then.
    const leaseMs = Math.max(1_000, exchange.deadline - at) + 60_000;
    let outcome: ReserveOutcome | Promise<ReserveOutcome>;
    try {
      outcome = store.reserve(plan.draws, at, leaseMs);
    } catch (error) {
      return storeDown(error, plan);
    }
    if (outcome instanceof Promise) return outcome.then((settled) => admitted(settled, plan, exchange), (error) => storeDown(error, plan));
    return admitted(outcome, plan, exchange);
  };

  function admitted(outcome: ReserveOutcome, plan: DrawPlan, exchange: Exchange): Admission {
    if (!outcome.admitted) throw refusalError(exchange, plan, outcome.refusal);
    const { reservation } = outcome;
    setRateLimitHeaders(exchange, plan, reservation.headroom);
    return {
      settle(entry: LedgerEntry) {
        settle(reservation, plan, entry);
      },
    };
  }

  function settle(reservation: Reservation, plan: DrawPlan, entry: LedgerEntry): void {
    const actual = actualsOf(plan, entry, providerOf);
    try {
      const crossings = store.settle(reservation, actual, now());
      if (crossings instanceof Promise) crossings.then((later) => report(later, plan), () => undefined);
      else if (crossings.length > 0) report(crossings, plan);
    } catch {
      // A shared store keeps failed settlements and retries them; a memory one does not fail.
    }
  }

  function report(crossings: Crossing[], plan: DrawPlan): void {
    for (const crossing of crossings) {
      const index = plan.draws.findIndex((draw) => draw.rule.key === crossing.rule.key);
      options.onCrossing?.(crossing, index >= 0 ? alertLabel(plan.labels[index]!) : crossing.rule.key);
    }
  }

  function storeDown(error: unknown, plan: DrawPlan): undefined {
    if (!isJunctionError(error) || error.code !== 'limits_unavailable') throw error;
    const counts = (sort: 'rate' | 'budget') => plan.labels.some((label) => label.sort === sort);
    if (counts('budget') && limits.onStoreDown.budgets === 'closed') throw error;
    if (counts('rate') && limits.onStoreDown.rateLimits === 'closed') throw error;
    options.onStoreDown?.(error);
    return undefined;
  }

  function require(credential: string | undefined, scope: Scope | null): KeyPrincipal | 'admin' | undefined | Promise<KeyPrincipal | 'admin' | undefined> {
    if (options.adminKey !== undefined && credential !== undefined && constantTimeEqual(credential, options.adminKey)) return 'admin';
    if (options.mode === 'open' && scope !== 'admin') return undefined;
    if (options.mode === 'open' && credential === undefined) throw new JunctionError('missing_api_key', REFUSAL_TEXT.missing);
    const check = ring.check(credential, now());
    const decide = (result: KeyCheck) => {
      const principal = principalOf(result);
      if (scope !== null && !principal.key.scopes.includes(scope)) throw new JunctionError('permission_denied', `This API key lacks the '${scope}' scope`);
      return principal;
    };
    return check instanceof Promise ? check.then(decide) : decide(check);
  }

  return { authenticate, admit: options.mode === 'keys' || hasLimits ? admit : undefined, require };
}

/** A key may call an endpoint only with its scope, and a route only if listed. */
function authorise(principal: KeyPrincipal, exchange: Exchange): void {
  const scope: Scope = exchange.record.start.endpoint === 'embeddings' ? 'embeddings' : 'chat';
  if (!principal.key.scopes.includes(scope)) throw new JunctionError('permission_denied', `This API key lacks the '${scope}' scope`);
  const { routes } = principal.key;
  if (!routes.includes('*') && !routes.includes(exchange.route.name)) {
    throw new JunctionError('permission_denied', `This API key may not use the model '${exchange.route.name}'`, { param: 'model' });
  }
}

/** The output a request may produce: an embedding or speech produces none (speech is priced by its characters in); a chat completion up to its max_tokens (or the configured cap). */
function outputTokensOf(exchange: Exchange, needs: RequestNeeds): number | undefined {
  return exchange.record.start.endpoint === 'chat' ? needs.maxOutputTokens : 0;
}

/** Whether the config sets any limit or budget beyond keys' own. */
export function hasAnyLimit(limits: LimitSettings): boolean {
  const some = (rates: object) => Object.values(rates).some((value) => value !== undefined);
  return (
    some(limits.global.limits) ||
    limits.global.budgets.length > 0 ||
    some(limits.keyDefaults) ||
    limits.providers.size > 0 ||
    [...limits.routes.values()].some((route) => some(route.limits) || route.budgets.length > 0)
  );
}

/** Compares digests, so neither the contents nor the lengths leak through timing. */
function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
