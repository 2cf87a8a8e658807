/**
 * The data router in a running gateway: policies from the config, every answered decision
 * counted (metrics), every routed one audited (who asked, strategy, confidence, the sources
 * used), breaker changes logged, trust and breakers exported at each scrape.
 */
import type { JunctionConfig } from '../config/types';
import type { Metrics } from '../observability/metrics';
import { createSourceOperations, type SourceOperations } from '../operations/sources';
import { keepSnapshotIn, statePathBesideLedger } from '../state/files/snapshot-file';
import { createSourceRouter } from './router';
import type { SourcePolicy } from './policy';
import type { RouterSnapshot } from './types';

export interface SourceRoutingOptions {
  now: () => number;
  metrics: Pick<Metrics, 'sourceDecision' | 'watchSources'>;
  log: (details: object, message: string) => void;
  audit: (entry: { actor: string; action: string; target: string; details: Record<string, unknown> }) => void;
}

export interface SourceRouting {
  operations: SourceOperations;
  /** Where trust, breakers and history are kept across restarts, if anywhere. */
  file?: string;
  close(): void;
}

export function startSourceRouting(config: JunctionConfig, options: SourceRoutingOptions): SourceRouting {
  const router = createSourceRouter({
    now: options.now,
    policies: config.sources.policies,
    ...(config.sources.defaultPolicy ? { defaultPolicy: config.sources.defaultPolicy } : {}),
    onBreakerChange: (event) => options.log({ metric: event.metricKey, source: event.sourceId, reason: event.reason }, `data source breaker ${event.to}`),
  });
  options.metrics.watchSources(() => router.sources().map((source) => ({ metricKey: source.metricKey, sourceId: source.sourceId, trust: source.trust, breaker: source.breaker })));
  const path = statePathBesideLedger(config, 'sources');
  // Trust, breakers and history survive a restart: a source opened for sticking stays open.
  let changed = false;
  /** Policies set through the API (the config's are read from the config again at start). */
  const setPolicies = new Map<string, SourcePolicy>();
  const kept =
    path === undefined
      ? undefined
      : keepSnapshotIn<KeptSources>(
          path,
          {
            snapshot: () => ((changed = false), { version: 1, router: router.snapshot(), policies: Object.fromEntries(setPolicies) }),
            restore(value) {
              router.restore(value.router);
              for (const [metricKey, policy] of Object.entries(value.policies)) setPolicies.set(metricKey, router.setPolicy(metricKey, policy));
            },
            check: checkSnapshot,
            changed: () => changed,
          },
          { onError: (message) => options.log({}, message) },
        );
  const ops = createSourceOperations({
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
  // Anything that may change trust, breakers, history or policies marks the state for the next save.
  const operations: SourceOperations = {
    router,
    route: (body, actor) => ((changed = true), ops.route(body, actor)),
    health: (body) => ((changed = true), ops.health(body)),
    setPolicy(metricKey, body, actor) {
      const policy = ops.setPolicy(metricKey, body, actor);
      setPolicies.set(metricKey, policy);
      changed = true;
      return policy;
    },
  };
  return { operations, ...(path ? { file: path } : {}), close: () => kept?.close() };
}

interface KeptSources {
  version: 1;
  router: RouterSnapshot;
  policies: Record<string, SourcePolicy>;
}

function checkSnapshot(value: unknown): KeptSources {
  const parsed = value as Partial<KeptSources>;
  if (parsed?.version !== 1 || parsed.router?.version !== 1 || typeof parsed.router.metrics !== 'object' || typeof parsed.policies !== 'object' || parsed.policies === null) {
    throw new Error('not a version 1 data-router snapshot');
  }
  return parsed as KeptSources;
}
