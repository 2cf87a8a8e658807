/**
 * What travels with one request through the pipeline: what the caller's side knows before it
 * starts (RequestContext), and what the stages have established once the route is known
 * (Exchange).
 */
import type { Ingress } from '../canonical/types';
import type { Catalog, Route } from '../routing/catalog';
import type { Cancel } from './execution/cancel';
import type { RequestRecord } from './request-record';
import type { RouteRuntime } from './route-runtime';
import type { RoutingHints } from './routing-hints';

/** Set by the ingress (HTTP, MCP, the library) before the pipeline runs. */
export interface RequestContext {
  requestId: string;
  ingress: Ingress;
  /** Cancelled when the caller disconnects. */
  cancel: Cancel;
  /** The caller's API key as sent (`Authorization: Bearer`, `x-api-key`), for the authenticate stage; never logged. */
  credential?: string;
  hints?: RoutingHints;
  /** Headers the stages add to the answer, success or error (rate-limit headroom, `x-should-retry`). */
  responseHeaders?: Record<string, string>;
  /** Who is calling when the caller is already known (a batch line runs as its batch's owner): the authenticate stage is skipped. */
  principal?: Principal;
}

/** Who is calling, as the authenticate stage established it. */
export interface Principal {
  /** Stable id for the ledger and limits (a key's id, never the key itself). */
  id: string;
  /** The caller's team, for the ledger. */
  team?: string;
}

/** One request in flight, once it is authenticated and its route resolved. */
export interface Exchange {
  readonly context: RequestContext;
  readonly record: RequestRecord;
  /** The catalog when the request began: it finishes on it even if a reload swaps in another. */
  readonly catalog: Catalog;
  readonly route: Route;
  /** The route's mutable routing state (strategy state, retry budget). */
  readonly runtime: RouteRuntime;
  /** The request's scope: the caller's disconnect and the request's deadline. */
  readonly cancel: Cancel;
  /** When the request's deadline passes, on the services' clock: bounds every wait on shared state. */
  readonly deadline: number;
  readonly principal: Principal | undefined;
}
