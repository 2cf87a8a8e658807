/**
 * Attempt planning: which deployments of a route may serve a request, and in what order.
 * Pure: the catalog, the request's needs and a strategy in, a plan with written reasons out.
 */
import type { Catalog, Deployment, Provider, Route } from './model';
import type { RequestNeeds } from './needs';
import { strategies } from './strategies';

export interface Candidate {
  deployment: Deployment;
  provider: Provider;
}

export interface Exclusion {
  deployment: string;
  reason: string;
}

export interface AttemptPlan {
  route: string;
  strategy: string;
  /** Candidates in the order the executor tries them. */
  attempts: Candidate[];
  /** Deployments of the route left out, each with why. */
  excluded: Exclusion[];
  /** The strategy's one-line account of the order. */
  reason: string;
}

/** A strategy orders capable candidates; it never adds or drops one. */
export type Strategy = (candidates: Candidate[]) => { ordered: Candidate[]; reason: string };

export function planRoute(route: Route, catalog: Catalog, needs: RequestNeeds): AttemptPlan {
  const capable: Candidate[] = [];
  const excluded: Exclusion[] = [];
  for (const id of route.deployments) {
    const deployment = catalog.deployments.get(id);
    const provider = deployment && catalog.providers.get(deployment.provider);
    if (!deployment || !provider) {
      excluded.push({ deployment: id, reason: 'not in the catalog' });
      continue;
    }
    const unfit = unfitReason(deployment, needs);
    if (unfit) excluded.push({ deployment: id, reason: unfit });
    else capable.push({ deployment, provider });
  }
  const { ordered, reason } = strategies[route.strategy](capable);
  return { route: route.name, strategy: route.strategy, attempts: ordered, excluded, reason };
}

function unfitReason(deployment: Deployment, needs: RequestNeeds): string | undefined {
  const missing = needs.capabilities.filter((capability) => !deployment.capabilities.includes(capability));
  if (missing.length > 0) return `lacks ${missing.join(', ')}`;
  const required = needs.estimatedInputTokens + (needs.maxOutputTokens ?? 0);
  if (required > deployment.contextWindow) {
    return `context window ${deployment.contextWindow} < ~${required} tokens needed`;
  }
  return undefined;
}
