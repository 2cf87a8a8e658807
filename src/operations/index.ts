/**
 * The operations layer: what operators and agents ask of a running gateway. The HTTP endpoints
 * and the MCP server both call these, never a second implementation.
 */
import type { ChatRequest } from '../canonical/types';
import type { Pipeline } from '../gateway/pipeline';
import type { RoutingHints } from '../gateway/routing-hints';
import { previewDecision, type DecisionPreview } from './preview';
import { listRoutes, type RouteSummary } from './routes';
import { deploymentStatus, type DeploymentStatus } from './status';

export type { DecisionPreview, HealthSummary } from './preview';
export type { DeploymentStatus } from './status';
export type { RouteSummary } from './routes';

export interface Operations {
  /** The routing decision a chat request would get now; no upstream is called, no state changes. */
  preview(request: ChatRequest, hints?: RoutingHints): DecisionPreview;
  /** Live health and breaker state of every deployment, or of one. */
  status(deployment?: string): DeploymentStatus[];
  routes(): RouteSummary[];
}

export function createOperations(pipeline: Pipeline): Operations {
  return {
    preview: (request, hints) => previewDecision(pipeline, request, hints),
    status: (deployment) => deploymentStatus(pipeline.services, deployment),
    routes: () => listRoutes(pipeline.services.catalog),
  };
}
