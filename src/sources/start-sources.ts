/**
 * The data router in a running gateway: policies from the config, every answered decision
 * counted (metrics), every routed one audited (who asked, strategy, confidence, the sources
 * used), breaker changes logged, trust and breakers exported at each scrape.
 */
import type { JunctionConfig } from '../config/types';
import type { Metrics } from '../observability/metrics';
import { createSourceOperations, type SourceOperations } from '../operations/sources';
import { createSourceRouter } from './router';

export interface SourceRoutingOptions {
  now: () => number;
  metrics: Pick<Metrics, 'sourceDecision' | 'watchSources'>;
  log: (details: object, message: string) => void;
  audit: (entry: { actor: string; action: string; target: string; details: Record<string, unknown> }) => void;
}

export function startSourceRouting(config: JunctionConfig, options: SourceRoutingOptions): SourceOperations {
  const router = createSourceRouter({
    now: options.now,
    policies: config.sources.policies,
    ...(config.sources.defaultPolicy ? { defaultPolicy: config.sources.defaultPolicy } : {}),
    onBreakerChange: (event) => options.log({ metric: event.metricKey, source: event.sourceId, reason: event.reason }, `data source breaker ${event.to}`),
  });
  options.metrics.watchSources(() => router.sources().map((source) => ({ metricKey: source.metricKey, sourceId: source.sourceId, trust: source.trust, breaker: source.breaker })));
  return createSourceOperations({
    router,
    onDecision: (result) => options.metrics.sourceDecision(result.metricKey, result.strategy, result.mode, result.confidence, result.isSynthetic),
    audit: (actor, result) =>
      options.audit({
        actor,
        action: 'sources.route',
        target: result.metricKey,
        details: { value: result.value, strategy: result.strategy, confidence: result.confidence, isSynthetic: result.isSynthetic, sources: result.sources.map((source) => ({ id: source.sourceId, status: source.status, weight: source.weight })) },
      }),
  });
}
