/**
 * The cost-optimiser service operations (the seed design's API): answer a prompt on the
 * optimiser's route, recommend or preview a decision, report what routing saved, volume and
 * spend, providers and the cache. HTTP (http/optimizer-api.ts) and MCP call these; inputs are
 * checked by inputs.ts first.
 */
import type { RequestContext } from '../../gateway/context';
import type { Pipeline } from '../../gateway/pipeline';
import { JunctionError } from '../../errors';
import type { Ledger } from '../../ledger/types';
import type { Deployment } from '../../routing/catalog';
import type { Operations } from '../index';
import { complete, type CompleteAnswer } from './complete';
import type { CompleteInput } from './inputs';
import { ledgerStats, spendSource, type StatsView } from './ledger-stats';
import type { CacheStatsView } from '../cache-view';
import { providerViews, type ProviderView } from './providers';
import { recommend, routingDecision, type Recommendation, type RoutingDecisionView } from './recommend';
import { routingMetrics, type RoutingMetricsView } from './routing-metrics';

export type { CompleteAnswer } from './complete';
export type { Recommendation, RoutingDecisionView } from './recommend';
export type { RoutingMetricsView } from './routing-metrics';
export type { StatsView } from './ledger-stats';
export type { CacheStatsView } from '../cache-view';

export interface OptimizerOperations {
  complete(input: CompleteInput, context: RequestContext): Promise<CompleteAnswer>;
  recommendation(prompt: string): Recommendation;
  decision(prompt: string, autoRoute: boolean): RoutingDecisionView;
  metrics(days: number): Promise<RoutingMetricsView>;
  stats(): Promise<StatsView>;
  providers(): { providers: ProviderView[] };
  cacheStats(): Promise<CacheStatsView>;
}

export interface OptimizerOptions {
  pipeline: Pipeline;
  operations: Pick<Operations, 'preview'>;
  ledger: Ledger;
  /** The route prompts go to (`optimizer.route`). */
  route: string;
  /** The deployment savings are priced against (`optimizer.baseline`); the route's costliest when absent. */
  baseline?: string;
  /** Calendar days for "today" (`limits.timeZone`). */
  timeZone: string;
  /** The response cache's figures. */
  cacheStats: () => Promise<CacheStatsView>;
}

const DAY_MS = 86_400_000;

export function createOptimizerOperations(options: OptimizerOptions): OptimizerOperations {
  const { pipeline, operations, ledger, route, timeZone } = options;
  const { services } = pipeline;
  const spend = spendSource(ledger, timeZone);
  const preview = { operations, resolve: () => pipeline.resolve(route) };
  return {
    complete: (input, context) => complete({ pipeline, route, spend, timeZone }, input, context),
    recommendation: (prompt) => recommend(preview, prompt),
    decision: (prompt, autoRoute) => routingDecision(preview, prompt, autoRoute),
    async metrics(days) {
      const baseline = baselineDeployment(pipeline, route, options.baseline);
      const entries = await ledger.query({ since: services.now() - days * DAY_MS });
      return routingMetrics(entries, { deployment: baseline.id, model: baseline.model, pricing: baseline.pricing }, days);
    },
    stats: () => ledgerStats(spend, services.now(), timeZone),
    providers: () => providerViews(services),
    cacheStats: options.cacheStats,
  };
}

/** The configured baseline, or the costliest chat deployment of the optimiser's route (what a caller would pay without routing). */
function baselineDeployment(pipeline: Pipeline, route: string, configured: string | undefined): Deployment {
  const { deployments } = pipeline.services.catalog;
  if (configured !== undefined) return deployments.get(configured)!;
  const candidates = pipeline.resolve(route).tiers.flatMap((tier) => tier.deployments.map((id) => deployments.get(id)!)).filter((deployment) => deployment.capabilities.includes('chat'));
  const price = (deployment: Deployment) => deployment.pricing.inputPerMillion + deployment.pricing.outputPerMillion;
  const costliest = candidates.reduce<Deployment | undefined>((best, deployment) => (best === undefined || price(deployment) > price(best) ? deployment : best), undefined);
  if (costliest === undefined) throw new JunctionError('capability_unsupported', `route ${route} has no chat deployment to price savings against; set optimizer.baseline`);
  return costliest;
}
