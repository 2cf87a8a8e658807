/**
 * A routing result on the wire (snake_case, as the service API was specified): what the HTTP API
 * sends and the remote client reads back, defined once so the two cannot drift.
 */
import type { RouteMode, RouteResult } from './types';

export interface WireResult {
  metric_key: string;
  value: number;
  strategy: RouteResult['strategy'];
  confidence: number;
  sources: Array<{ source_id: string; value: number; weight: number; trust: number; status: RouteResult['sources'][number]['status']; reason: string }>;
  is_synthetic: boolean;
  reasoning: string;
  uncertainty: number;
  ttl_seconds: number;
  mode: RouteMode;
  /** ISO 8601. */
  at: string;
  reference?: { source_id: string; value: number; difference: number };
}

export function encodeResult(result: RouteResult): WireResult {
  return {
    metric_key: result.metricKey,
    value: result.value,
    strategy: result.strategy,
    confidence: result.confidence,
    sources: result.sources.map((source) => ({ source_id: source.sourceId, value: source.value, weight: source.weight, trust: source.trust, status: source.status, reason: source.reason })),
    is_synthetic: result.isSynthetic,
    reasoning: result.reasoning,
    uncertainty: result.uncertainty,
    ttl_seconds: Math.round(result.ttlMs / 1000),
    mode: result.mode,
    at: new Date(result.at).toISOString(),
    ...(result.reference ? { reference: { source_id: result.reference.sourceId, value: result.reference.value, difference: result.reference.difference } } : {}),
  };
}

export function decodeResult(wire: WireResult): RouteResult {
  return {
    metricKey: wire.metric_key,
    value: wire.value,
    strategy: wire.strategy,
    confidence: wire.confidence,
    sources: wire.sources.map((source) => ({ sourceId: source.source_id, value: source.value, weight: source.weight, trust: source.trust, status: source.status, reason: source.reason })),
    isSynthetic: wire.is_synthetic,
    reasoning: wire.reasoning,
    uncertainty: wire.uncertainty,
    ttlMs: wire.ttl_seconds * 1000,
    mode: wire.mode,
    at: Date.parse(wire.at),
    ...(wire.reference ? { reference: { sourceId: wire.reference.source_id, value: wire.reference.value, difference: wire.reference.difference } } : {}),
  };
}
