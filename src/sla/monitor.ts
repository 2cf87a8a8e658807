/**
 * The SLA monitor: every request's outcome goes into rolling windows per deployment (each
 * attempt) and per route (each request), breaker opens are counted per deployment over the
 * last hour, and `evaluate` compares it all with the thresholds. It reports transitions only
 * (fired, changed severity, resolved), so an alert is announced once however long it lasts.
 * Pure state and arithmetic: the clock comes with every call.
 */
import type { LedgerEntry } from '../ledger/types';
import { tellsOfDeployment } from '../routing/classify-attempt';
import { AnomalyDetector, DEFAULT_ANOMALY_SETTINGS, type AnomalyScore } from './anomaly';
import { RollingWindow, type WindowSummary } from './rolling-window';
import { SLA_METRICS, type Alert, type AlertTransition, type SlaMetric, type SlaSettings, type Threshold } from './types';

const HOUR_MS = 3_600_000;
/** Buckets per window: fine enough that the window slides smoothly. */
const BUCKETS = 30;

export interface TargetReport {
  kind: 'deployment' | 'route';
  target: string;
  window: WindowSummary;
  breakerOpensLastHour?: number;
  /** Deployments past their warm-up: the anomaly scores. */
  anomaly?: AnomalyScore;
}

export class SlaMonitor {
  readonly #deployments = new Map<string, RollingWindow>();
  readonly #routes = new Map<string, RollingWindow>();
  readonly #breakerOpens = new Map<string, number[]>();
  readonly #active = new Map<string, Alert>();
  /** Route of each deployment's attempts, for load-balancing reports. */
  readonly #shares = new Map<string, Map<string, RollingWindow>>();
  readonly #anomaly: AnomalyDetector | undefined;

  constructor(private readonly settings: SlaSettings) {
    const anomaly = settings.anomaly ?? DEFAULT_ANOMALY_SETTINGS;
    this.#anomaly = anomaly.enabled ? new AnomalyDetector(anomaly) : undefined;
  }

  /**
   * One finished request (its ledger entry): each attempt counts for its deployment, the whole
   * for its route. True when a deployment's anomaly score now calls for another severity than its
   * active alert has: worth evaluating at once rather than at the next tick, before a breaker trips.
   */
  observe(entry: LedgerEntry, now: number): boolean {
    // A request refused before routing (bad body, no key) says nothing about upstreams.
    if (entry.attempts.length === 0) return false;
    let urgent = false;
    for (const attempt of entry.attempts) {
      if (attempt.outcome === 'aborted') continue;
      this.#window(this.#deployments, attempt.deployment).add(now, attempt.latencyMs, attempt.outcome === 'success');
      // A caller's mistake (an upstream 400) says nothing about the deployment's health.
      if (this.#anomaly !== undefined && tellsOfDeployment(attempt.outcome, attempt.errorCode)) {
        this.#anomaly.observe(attempt.deployment, { latencyMs: attempt.latencyMs, success: attempt.outcome === 'success' }, now);
        urgent ||= this.#anomalyChanged(attempt.deployment, now);
      }
      let byDeployment = this.#shares.get(entry.route);
      if (byDeployment === undefined) this.#shares.set(entry.route, (byDeployment = new Map()));
      this.#window(byDeployment, attempt.deployment).add(now, attempt.latencyMs, attempt.outcome === 'success');
    }
    this.#window(this.#routes, entry.route).add(now, entry.latencyMs, entry.status < 500);
    return urgent;
  }

  /** Whether the deployment's anomaly severity differs from its active alert's. */
  #anomalyChanged(deployment: string, now: number): boolean {
    const z = this.#anomaly?.score(deployment, now)?.z;
    const threshold = this.#threshold('deployment', deployment, 'anomaly');
    const severity = z === undefined ? undefined : z >= threshold.critical ? 'critical' : z >= threshold.warning ? 'warning' : undefined;
    return severity !== this.#active.get(`deployment:${deployment}:anomaly`)?.severity;
  }

  breakerOpened(deployment: string, at: number): void {
    const opens = this.#breakerOpens.get(deployment) ?? [];
    opens.push(at);
    this.#breakerOpens.set(deployment, opens);
  }

  /** The transitions since the last evaluation. */
  evaluate(now: number): AlertTransition[] {
    const conditions = new Map<string, Alert>();
    for (const report of this.reports(now)) {
      for (const metric of SLA_METRICS) {
        const value = valueOf(report, metric);
        if (value === undefined) continue;
        // Opens an hour need no volume; anomaly scores have their own warm-up.
        if ((metric === 'errorRate' || metric === 'latencyP95Ms') && report.window.requests < this.settings.minimumRequests) continue;
        const threshold = this.#threshold(report.kind, report.target, metric);
        const severity = exceeds(metric, value, threshold.critical) ? 'critical' : exceeds(metric, value, threshold.warning) ? 'warning' : undefined;
        if (severity === undefined) continue;
        const id = `${report.kind}:${report.target}:${metric}`;
        conditions.set(id, { id, kind: report.kind, target: report.target, metric, severity, value: round(value), threshold: severity === 'critical' ? threshold.critical : threshold.warning, since: now });
      }
    }
    const transitions: AlertTransition[] = [];
    for (const [id, alert] of this.#active) {
      const current = conditions.get(id);
      if (current === undefined) {
        this.#active.delete(id);
        transitions.push({ type: 'resolved', alert, at: now });
      } else {
        const from = alert.severity;
        Object.assign(alert, { severity: current.severity, value: current.value, threshold: current.threshold });
        if (from !== current.severity) transitions.push({ type: 'changed', alert, from });
      }
    }
    for (const [id, alert] of conditions) {
      if (this.#active.has(id)) continue;
      this.#active.set(id, alert);
      transitions.push({ type: 'fired', alert });
    }
    return transitions;
  }

  active(): Alert[] {
    return [...this.#active.values()];
  }

  reports(now: number): TargetReport[] {
    const reports: TargetReport[] = [];
    for (const [target, window] of this.#deployments) {
      const anomaly = this.#anomaly?.score(target, now);
      reports.push({ kind: 'deployment', target, window: window.summary(now), breakerOpensLastHour: this.#opensLastHour(target, now), ...(anomaly ? { anomaly } : {}) });
    }
    for (const [deployment] of this.#breakerOpens) {
      if (!this.#deployments.has(deployment)) reports.push({ kind: 'deployment', target: deployment, window: new RollingWindow(1, 1).summary(now), breakerOpensLastHour: this.#opensLastHour(deployment, now) });
    }
    for (const [target, window] of this.#routes) reports.push({ kind: 'route', target, window: window.summary(now) });
    return reports;
  }

  /** Each route's attempts per deployment over the window, for the load-balancing report. */
  distribution(route: string, now: number): Array<{ deployment: string; window: WindowSummary }> {
    return [...(this.#shares.get(route) ?? new Map<string, RollingWindow>())].map(([deployment, window]) => ({ deployment, window: window.summary(now) }));
  }

  routes(): string[] {
    return [...this.#shares.keys()];
  }

  #opensLastHour(deployment: string, now: number): number {
    const opens = (this.#breakerOpens.get(deployment) ?? []).filter((at) => at > now - HOUR_MS);
    this.#breakerOpens.set(deployment, opens);
    return opens.length;
  }

  #window(map: Map<string, RollingWindow>, key: string): RollingWindow {
    let window = map.get(key);
    if (window === undefined) map.set(key, (window = new RollingWindow(this.settings.windowMs, Math.max(1, Math.floor(this.settings.windowMs / BUCKETS)))));
    return window;
  }

  #threshold(kind: 'deployment' | 'route', target: string, metric: SlaMetric): Threshold {
    const overrides = kind === 'deployment' ? this.settings.deployments[target] : this.settings.routes[target];
    return overrides?.[metric] ?? this.settings.thresholds[metric];
  }
}

function valueOf(report: TargetReport, metric: SlaMetric): number | undefined {
  if (metric === 'errorRate') return report.window.requests === 0 ? undefined : report.window.errorRate;
  if (metric === 'latencyP95Ms') return report.window.requests === 0 ? undefined : report.window.p95Ms;
  if (metric === 'anomaly') return report.anomaly?.z;
  return report.breakerOpensLastHour;
}

/** Rates and latencies alert above their threshold; breaker opens and anomaly scores at it (one open an hour is the warning; z ≥ 3). */
function exceeds(metric: SlaMetric, value: number, threshold: number): boolean {
  return metric === 'breakerOpensPerHour' || metric === 'anomaly' ? value >= threshold : value > threshold;
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
