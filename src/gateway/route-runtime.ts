/**
 * Per-route mutable routing state: the strategy's memory (round-robin weights), the retry
 * budget, and the smallest context window a request on the route might go to (which decides
 * when a prompt is worth counting exactly). Created on a route's first request.
 */
import { RetryBudget } from '../resilience/retry-budget';
import type { Catalog, Route } from '../routing/catalog';
import { newRouteStrategyState, type RouteStrategyState } from '../routing/strategies/types';

export interface RouteRuntime {
  strategyState: RouteStrategyState;
  budget: RetryBudget;
  smallestWindow: number;
}

export class RouteRuntimes {
  private readonly byRoute = new Map<string, RouteRuntime>();

  constructor(private readonly catalog: Catalog) {}

  of(route: Route): RouteRuntime {
    let runtime = this.byRoute.get(route.name);
    if (runtime === undefined) {
      const windows = route.tiers.flatMap((tier) => tier.deployments).map((id) => this.catalog.deployments.get(id)?.contextWindow ?? Infinity);
      runtime = { strategyState: newRouteStrategyState(), budget: new RetryBudget(route.retry.budgetRatio), smallestWindow: Math.min(...windows) };
      this.byRoute.set(route.name, runtime);
    }
    return runtime;
  }
}
