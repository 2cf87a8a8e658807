/**
 * The multi-source data router: several sources report one metric, the router returns one
 * value with a confidence, tracks each source's trust and breaker, and falls back to a
 * synthetic value (honestly flagged) rather than going silent.
 */
export { createSourceRouter } from './router';
export type { BreakerEvent, BreakerView, SourceRouter, SourceRouterOptions, SourceView, TrustView } from './router';
export { DEFAULT_SOURCE_POLICY, parsePolicy, sourcePolicySchema, toleranceAt, ttlFor } from './policy';
export type { SourcePolicy, SourcePolicyInput } from './policy';
export { decide } from './decide';
export { fuse, autoMethod } from './fusion';
export type {
  Candidate,
  DecisionRecord,
  FusionMethod,
  HealthReport,
  MetricState,
  RouteMode,
  RouteRequest,
  RouteResult,
  RouterSnapshot,
  SourceState,
  SourceStatus,
  SourceVerdict,
  Strategy,
} from './types';
export { createHealthRecorder, createRoutedValueCache, fetchWithRouting } from './client';
export type { FetchWithRoutingOptions, HealthRecorder, Reading, RoutedValueCache, RoutingTarget, SourceFetcher } from './client';
