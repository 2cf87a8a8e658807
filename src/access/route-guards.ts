/**
 * The per-route guards of the config's access fields: `concurrency` (requests in flight on a
 * route in this process, the rest waiting in a bounded queue by tier, fair between keys, each
 * until its request's deadline) and `downgradeTo` (a request a budget refuses is served from a
 * cheaper route instead, one hop, never a chain).
 */
import type { RouteAccess } from '../config/types';
import type { JunctionError } from '../errors';
import type { Exchange } from '../gateway/context';
import type { GuardSlot, RouteGuards } from '../gateway/stages';
import type { Route } from '../routing/catalog';
import { TIER_PRIORITY, type KeyPrincipal } from './access-control';
import { createConcurrencyGate, type ConcurrencyGate, type GateStats, type SetTimer } from './concurrency-gate';

export interface RouteGuardsOptions {
  routes: ReadonlyMap<string, RouteAccess>;
  /** The clock request deadlines are on. */
  now: () => number;
  setTimer?: SetTimer;
}

/** Callers without a key queue as one caller, at the standard tier. */
const ANONYMOUS = 'anonymous';

export interface RouteGuardsWithStats extends RouteGuards {
  /** Each guarded route's gate: limit, in flight, waiting by priority. */
  stats(): Array<{ route: string } & GateStats>;
}

/** The guards of the routes that have any; undefined when none has, so the pipeline skips the step. */
export function createRouteGuards(options: RouteGuardsOptions): RouteGuardsWithStats | undefined {
  const gates = new Map<string, ConcurrencyGate>();
  const downgrades = new Map<string, string>();
  for (const [name, access] of options.routes) {
    if (access.downgradeTo !== undefined) downgrades.set(name, access.downgradeTo);
    if (access.concurrency === undefined) continue;
    const gate = createConcurrencyGate({
      limit: access.concurrency.max,
      maxQueue: access.concurrency.queue,
      name,
      now: options.now,
      ...(options.setTimer ? { setTimer: options.setTimer } : {}),
    });
    gates.set(name, gate);
  }
  if (gates.size === 0 && downgrades.size === 0) return undefined;

  return {
    downgradeTarget: function downgradeTarget(route: Route, refusal: JunctionError) {
      return refusal.code === 'budget_exceeded' ? downgrades.get(route.name) : undefined;
    },

    enter: function enter(exchange: Exchange): GuardSlot | undefined | Promise<GuardSlot> {
      const gate = gates.get(exchange.route.name);
      if (gate === undefined) return undefined;
      const principal = exchange.principal as KeyPrincipal | undefined;
      return gate.acquire({
        caller: principal?.id ?? ANONYMOUS,
        priority: principal ? TIER_PRIORITY[principal.key.tier] : TIER_PRIORITY.standard,
        deadline: exchange.deadline,
        // The caller leaving stops the wait; the deadline is the gate's own (a `queue_timeout`).
        signal: exchange.context.cancel.signal,
      });
    },

    stats: function stats() {
      return [...gates].map(([route, gate]) => ({ route, ...gate.stats() }));
    },
  };
}
