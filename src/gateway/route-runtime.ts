/**
 * Per-route mutable routing state: the strategy's memory (round-robin weights), the retry
 * budget, and the smallest context window a request on the route might go to (which decides
 * when a prompt is worth counting exactly). Created on a route's first request, and again when
 * a reload changed the route (an unchanged route keeps its state across reloads).
 */
import { RetryBudget } from '../resilience/retry-budget';
import type { Catalog, Route } from '../routing/catalog';
import { newRouteStrategyState, type RouteStrategyState } from '../routing/strategies/types';

export interface RouteRuntime {
  strategyState: RouteStrategyState;
  budget: RetryBudget;
  smallestWindow: number;
}

interface Held {
  route: Route;
  catalog: Catalog;
  runtime: RouteRuntime;
}

export class RouteRuntimes {
  private readonly byRoute = new Map<string, Held>();

  /** The route's runtime; `catalog` is the one the request runs on (its deployments' windows). */
  of(route: Route, catalog: Catalog): RouteRuntime {
    const held = this.byRoute.get(route.name);
    // The common case costs two comparisons: the same route and catalog objects as last time.
    if (held !== undefined && held.route === route && held.catalog === catalog) return held.runtime;
    const smallestWindow = smallestWindowOf(route, catalog);
    if (held !== undefined && smallestWindow === held.runtime.smallestWindow && sameRouting(held.route, route)) {
      this.byRoute.set(route.name, { route, catalog, runtime: held.runtime });
      return held.runtime;
    }
    const runtime = { strategyState: newRouteStrategyState(), budget: new RetryBudget(route.retry.budgetRatio), smallestWindow };
    this.byRoute.set(route.name, { route, catalog, runtime });
    return runtime;
  }
}

function smallestWindowOf(route: Route, catalog: Catalog): number {
  const windows = route.tiers.flatMap((tier) => tier.deployments).map((id) => catalog.deployments.get(id)?.contextWindow ?? Infinity);
  return Math.min(...windows);
}

function sameRouting(a: Route, b: Route): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
