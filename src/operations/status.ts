/** Provider status: every deployment's live health and breaker state, with where it runs. */
import type { HealthSnapshot } from '../routing/health';
import type { GatewayServices } from '../gateway/services';
import { reportHealth } from './health-report';

export interface DeploymentStatus extends HealthSnapshot {
  provider: string;
  kind: string | undefined;
  model: string;
}

export function deploymentStatus(services: Pick<GatewayServices, 'catalog' | 'store' | 'now'>, only?: string): DeploymentStatus[] {
  const now = services.now();
  const { catalog, store } = services;
  const deployments = [...catalog.deployments.values()].filter((deployment) => only === undefined || deployment.id === only);
  return deployments.map((deployment) => ({
    ...reportHealth(store.snapshot(deployment.id, now)),
    provider: deployment.provider,
    kind: catalog.providers.get(deployment.provider)?.kind,
    model: deployment.model,
  }));
}
