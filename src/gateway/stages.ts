/**
 * The pipeline's pluggable stages, in the order a request meets them:
 *
 *   authenticate → (route) → admit → guard → cache → plan → execute → fallback → account
 *
 * `plan`, `execute`, `fallback` and `account` are the gateway's own (planner.ts, execution/,
 * fallback/, account.ts). The four below are ports: the pipeline calls whatever implementation
 * app.ts wires in, and skips a stage that has none. Each may answer synchronously, so a stage
 * that decides from memory costs the request no promise.
 */
import type { CacheHit } from '../cache/types';
import type { ChatRequest, ChatResponse } from '../canonical/types';
import type { JunctionError } from '../errors';
import type { LedgerEntry } from '../ledger/types';
import type { Route } from '../routing/catalog';
import type { RequestNeeds } from '../routing/needs';
import type { Exchange, Principal, RequestContext } from './context';
import type { PhraseCache } from './speech/phrase-cache';

/**
 * Who is calling. Throws a coded error (401/403 in the caller's format) to refuse; returns
 * undefined for an anonymous caller where the deployment allows them.
 */
export type Authenticate = (context: RequestContext) => Principal | undefined | Promise<Principal | undefined>;

/** Open access: every caller is anonymous. The default until keys are configured. */
export const openAccess: Authenticate = function openAccess() {
  return undefined;
};

/**
 * Limits and budgets: reserve what the request may use (its counted input and reserved output
 * tokens are in `needs`), or throw a coded error (429 with Retry-After) naming the limit.
 */
export type Admit = (exchange: Exchange, needs: RequestNeeds) => Admission | undefined | Promise<Admission | undefined>;

/** A reservation made at admission, settled once the request has ended, however it ended. */
export interface Admission {
  /** Called exactly once, with the request's ledger entry: its real tokens and cost. */
  settle(entry: LedgerEntry): void;
}

/**
 * Per-route guards after admission: a budget refusal may send the request to a cheaper route,
 * and a saturated route makes it wait for a slot (or refuses it with a coded error).
 */
export interface RouteGuards {
  /** The route to serve instead of `route` after the admit stage refused it with `refusal`, if any. */
  downgradeTarget(route: Route, refusal: JunctionError): string | undefined;
  /** A slot on the exchange's route, at once or after a wait; undefined when the route has no limit. */
  enter(exchange: Exchange): GuardSlot | undefined | Promise<GuardSlot>;
}

/** A slot on a route, released once when the request ends, however it ends. */
export interface GuardSlot {
  release(): void;
}

/** Answers that need not be paid for twice. Lookups happen after admission, before planning. */
export interface ResponseCache {
  /** A hit is served as the answer, at no cost; `store` is called for the same exchange after a miss. */
  lookup(exchange: Exchange, request: ChatRequest): CacheHit | undefined | Promise<CacheHit | undefined>;
  /** Called with a complete answer (a streamed one only once it finished whole). */
  store(exchange: Exchange, request: ChatRequest, response: ChatResponse): void;
}

/** The stages app.ts wires into a pipeline. */
export interface PipelineStages {
  authenticate: Authenticate;
  admit?: Admit;
  guards?: RouteGuards;
  cache?: ResponseCache;
  /** Speech: common short phrases' audio, served again (speech/phrase-cache.ts). */
  phrases?: PhraseCache;
}
