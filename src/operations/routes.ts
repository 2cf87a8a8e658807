/** The routes a gateway serves: the public model names, with how each one routes. */
import type { Catalog } from '../routing/catalog';

export interface RouteSummary {
  name: string;
  description?: string;
  strategy: string;
  tiers: Array<{ name: string; deployments: string[] }>;
}

export function listRoutes(catalog: Catalog): RouteSummary[] {
  return [...catalog.routes.values()].map((route) => ({
    name: route.name,
    ...(route.description === undefined ? {} : { description: route.description }),
    strategy: route.strategy,
    tiers: route.tiers.map((tier) => ({ name: tier.name, deployments: [...tier.deployments] })),
  }));
}
