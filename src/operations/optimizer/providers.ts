/**
 * GET /providers: every provider with its deployments, each with its live health, its prices,
 * the quality the auto strategy credits it with, and the routes that use it.
 */
import type { GatewayServices } from '../../gateway/services';
import { abilityOf } from '../../routing/auto/quality';
import type { HealthSnapshot } from '../../routing/health';
import { reportHealth } from '../health-report';

export interface DeploymentView {
  id: string;
  model: string;
  /** USD per 1M tokens. */
  pricing: { input: number; output: number; cached_input: number };
  context_window: number;
  capabilities: string[];
  /** The deployment's configured `quality` in [0, 1]; `null` when not set. */
  quality: number | null;
  /** The ability the auto strategy's complexity mode predicts quality from: `quality`, or the middle of 0..1 when not set. */
  ability: number;
  routes: string[];
  /** True when its breaker lets requests through. */
  available: boolean;
  health: HealthSnapshot;
}

export interface ProviderView {
  id: string;
  kind: string;
  region: string | null;
  /** True when any of its deployments is available. */
  available: boolean;
  deployments: DeploymentView[];
}

export function providerViews(services: Pick<GatewayServices, 'catalog' | 'store' | 'now'>): { providers: ProviderView[] } {
  const { catalog, store } = services;
  const now = services.now();
  const routesOf = new Map<string, string[]>();
  for (const route of catalog.routes.values()) {
    for (const tier of route.tiers) for (const id of tier.deployments) routesOf.set(id, [...(routesOf.get(id) ?? []), route.name]);
  }
  const providers = [...catalog.providers.values()].map((provider): ProviderView => {
    const deployments = [...catalog.deployments.values()]
      .filter((deployment) => deployment.provider === provider.id)
      .map((deployment): DeploymentView => {
        const health = reportHealth(store.snapshot(deployment.id, now));
        return {
          id: deployment.id,
          model: deployment.model,
          pricing: {
            input: deployment.pricing.inputPerMillion,
            output: deployment.pricing.outputPerMillion,
            cached_input: deployment.pricing.cachedInputPerMillion ?? deployment.pricing.inputPerMillion,
          },
          context_window: deployment.contextWindow,
          capabilities: [...deployment.capabilities],
          quality: deployment.quality ?? null,
          ability: abilityOf(deployment),
          routes: [...new Set(routesOf.get(deployment.id) ?? [])],
          available: health.breaker.status !== 'open',
          health,
        };
      });
    return { id: provider.id, kind: provider.kind, region: provider.region ?? null, available: deployments.some((deployment) => deployment.available), deployments };
  });
  return { providers };
}
