/** The SLA monitor's vocabulary: what it measures, the thresholds, and the alerts it raises. */
import type { AnomalySettings } from './anomaly';

/** `anomaly`: a deployment's z-score against its own normal (sla/anomaly.ts). */
export type SlaMetric = 'errorRate' | 'latencyP95Ms' | 'breakerOpensPerHour' | 'anomaly';
export const SLA_METRICS: readonly SlaMetric[] = ['errorRate', 'latencyP95Ms', 'breakerOpensPerHour', 'anomaly'];

export type Severity = 'warning' | 'critical';

export interface Threshold {
  warning: number;
  critical: number;
}

export type Thresholds = Record<SlaMetric, Threshold>;

/** Defaults of the provider-router design: error rate > 5% / > 10%, p95 latency > 300 / > 500 ms, breaker opens ≥ 1 / ≥ 3 an hour. */
export const DEFAULT_THRESHOLDS: Thresholds = {
  errorRate: { warning: 0.05, critical: 0.1 },
  latencyP95Ms: { warning: 300, critical: 500 },
  breakerOpensPerHour: { warning: 1, critical: 3 },
  anomaly: { warning: 3, critical: 6 },
};

export type MitigationAction = { action: 'drain' } | { action: 'switch-strategy'; strategy: string } | { action: 'lower-weight'; factor: number };

export interface MitigationRule {
  /** Which alerts it answers; any metric when absent. */
  metric?: SlaMetric;
  /** The lowest severity it answers (default critical). */
  severity: Severity;
  /** drain and lower-weight: a deployment's alert; switch-strategy: a route's alert (on `route`, or any route when absent). */
  route?: string;
  then: MitigationAction;
}

export interface SlaSettings {
  enabled: boolean;
  /** The rolling window latency and error rate are measured over. */
  windowMs: number;
  evaluateEveryMs: number;
  /** Fewer requests than this in the window raise no latency or error-rate alert. */
  minimumRequests: number;
  thresholds: Thresholds;
  /** Per deployment and per route overrides of any threshold. */
  deployments: Record<string, Partial<Thresholds>>;
  routes: Record<string, Partial<Thresholds>>;
  webhook?: { url: string; headers: Record<string, string> };
  mitigations: MitigationRule[];
  /** At most this many deployments of one route drained at once; the last healthy one never is. */
  maxDrainedPerRoute: number;
  /** Anomaly detection (defaults when absent); its alerts lower the deployment's weight unless a rule says otherwise. */
  anomaly?: AnomalySettings;
}

export interface Alert {
  /** `deployment:<id>:<metric>` or `route:<name>:<metric>`. */
  id: string;
  kind: 'deployment' | 'route';
  target: string;
  metric: SlaMetric;
  severity: Severity;
  value: number;
  threshold: number;
  /** When it first fired (ms). */
  since: number;
  /** The mitigation in force for it, if any. */
  mitigation?: string;
}

export type AlertTransition =
  | { type: 'fired'; alert: Alert }
  | { type: 'changed'; alert: Alert; from: Severity }
  | { type: 'resolved'; alert: Alert; at: number };
