import type { BreakerPolicy } from '../resilience/types';
import type { Catalog } from './catalog';

/**
 * Each deployment's breaker policy: that of the first route listing it (a deployment has one
 * breaker, however many routes share it). A deployment no route lists gets the first route's.
 */
export function breakerPolicyFor(catalog: Catalog): (deployment: string) => BreakerPolicy {
  const byDeployment = new Map<string, BreakerPolicy>();
  for (const route of catalog.routes.values()) {
    for (const tier of route.tiers) for (const id of tier.deployments) if (!byDeployment.has(id)) byDeployment.set(id, route.breaker);
  }
  const fallback = catalog.routes.values().next().value?.breaker;
  return (deployment) => byDeployment.get(deployment) ?? fallback!;
}
