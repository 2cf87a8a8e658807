/**
 * The multi-source data router's vocabulary: several sources report the same metric, the router
 * returns one value with a confidence. Plain data only; the maths lives beside it (fusion.ts,
 * trust.ts, source-breaker.ts, synthetic.ts, confidence.ts) and the state machine in router.ts.
 */
import type { BreakerState } from '../resilience/types';
import type { ConfidenceFeatures } from './confidence';

/** One source's reading offered for one routing decision. */
export interface Candidate {
  sourceId: string;
  value: number;
  /** When the source measured the value (ms epoch), not when it was fetched. */
  timestamp: number;
  /** One standard deviation the source claims for its value, in the metric's units. */
  uncertainty?: number;
}

export type RouteMode = 'routed' | 'advisory';

export interface RouteRequest {
  metricKey: string;
  candidates: readonly Candidate[];
  /** `advisory` computes the same answer but leaves trust, breakers and history untouched. */
  mode?: RouteMode;
  /** In advisory mode: a source whose value the answer is compared with. */
  referenceSource?: string;
}

export type FusionMethod = 'auto' | 'best-source' | 'weighted-median' | 'robust-blend' | 'outlier-rejection' | 'interval';

/** The strategy that produced an answer: a fusion method, or a synthetic one. */
export type Strategy = Exclude<FusionMethod, 'auto'> | 'synthetic-last-good' | 'synthetic-trend' | 'synthetic-seasonal';

/**
 * What happened to one candidate: `used` in the fusion; `rejected` as an outlier; `stale`
 * (timestamp older than the policy allows); `open` (its breaker is open); `probing` (half-open:
 * compared with the others but not used); `invalid` (not a finite number).
 */
export type SourceStatus = 'used' | 'rejected' | 'stale' | 'open' | 'probing' | 'invalid';

export interface SourceVerdict {
  sourceId: string;
  value: number;
  /** Share of the answer this source carries (0 unless used; used weights sum to 1). */
  weight: number;
  trust: number;
  status: SourceStatus;
  reason: string;
}

export interface RouteResult {
  metricKey: string;
  value: number;
  strategy: Strategy;
  /** Estimated probability that the value is within the policy's tolerance of the truth. */
  confidence: number;
  sources: SourceVerdict[];
  isSynthetic: boolean;
  reasoning: string;
  /** How long a cache may keep this answer (from confidence, per policy). */
  ttlMs: number;
  /** One standard deviation of the answer, in the metric's units (widens for synthetic values). */
  uncertainty: number;
  mode: RouteMode;
  /** When the decision was made (the injected clock). */
  at: number;
  reference?: { sourceId: string; value: number; difference: number };
  /** What the confidence was computed from (absent for synthetic answers), for audit and calibration. */
  confidenceInputs?: ConfidenceFeatures;
}

/** Health a source's connector reports about itself (the `/health` ingest). */
export interface HealthReport {
  sourceId: string;
  metricKey: string;
  freshnessLagSec?: number;
  responseLatencyMs?: number;
  /** Share of failed fetches over the connector's recent window (0..1). */
  errorRateWin?: number;
  /** Share of expected fields or points present (0..100). */
  completenessPct?: number;
  lastValue?: number;
}

/** One source's learned state for one metric. */
export interface SourceState {
  sourceId: string;
  trust: number;
  /** When trust was last updated (decay runs from here). */
  trustAt: number;
  breaker: BreakerState;
  /** Why the breaker last opened. */
  openReason?: string;
  lastValue?: number;
  /** Rounds in a row the value did not change while the consensus moved. */
  stuckRounds: number;
  /** While half-open: probes in a row that agreed with the others. */
  probeStreak: number;
  /** Rounds in a row the timestamp was too old. */
  staleRounds: number;
  /** Smoothed signed deviation from the others, in scale units (bias detector). */
  bias: number;
  /** Another source that has reported exactly the same changing values lately, and for how many rounds. */
  twinOf?: string;
  twinRounds: number;
  /** Smoothed relative deviation from the others' median while healthy (its usual offset). */
  offset?: number;
  /** Median of the other sources when this one was last seen (to tell whether they moved since). */
  peerMedian?: number;
  /** Health score from the last report (0..1) and when it came. */
  health?: number;
  healthAt?: number;
  lastReport?: HealthReport;
  lastSeenAt?: number;
}

/** One past answer, kept for synthetic fallback. */
export interface HistoryPoint {
  at: number;
  value: number;
  /** One-sigma spread of the answer (a synthetic value is never surer than the last real one). */
  sigma: number;
}

export interface DecisionRecord {
  at: number;
  /** Null when the router had no answer (the 503); kept null rather than NaN so it survives JSON. */
  value: number | null;
  /** `none` when the router had no answer. */
  strategy: Strategy | 'none';
  confidence: number;
  isSynthetic: boolean;
  used: string[];
  reasoning: string;
}

export interface MetricState {
  sources: Record<string, SourceState>;
  /** Non-synthetic answers, oldest first, bounded. */
  history: HistoryPoint[];
  decisions: DecisionRecord[];
}

/** The whole router state as plain data (what snapshot() returns and restore() takes). */
export interface RouterSnapshot {
  version: 1;
  metrics: Record<string, MetricState>;
}
