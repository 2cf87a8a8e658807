/**
 * Automatic mitigation: when an alert fires (or worsens) and a configured rule answers it, act —
 * drain the deployment (it is tried only after every other one), lower its weight, or switch the
 * route's strategy — and undo it when the alert resolves. An anomaly alert no rule answers lowers
 * the deployment's weight by the anomaly settings' `weightFactor` (0.25): weighted and adaptive
 * routes send it less before its breaker would trip. Bounded: at most `maxDrainedPerRoute` deployments of a
 * route drained at once, never the last one that is not; each action and its undoing are
 * audited. The effects are injected, so this is testable without a gateway.
 */
import { DEFAULT_ANOMALY_SETTINGS } from './anomaly';
import type { Alert, AlertTransition, MitigationRule, Severity, SlaSettings } from './types';

export interface MitigationEffects {
  drain(deployment: string): void;
  undrain(deployment: string): void;
  drained(): ReadonlySet<string>;
  /** Every route listing the deployment, with all its deployments. */
  routesWith(deployment: string): Array<{ route: string; deployments: string[] }>;
  /** Switches the route's strategy; resolves with the one it replaced. */
  switchStrategy(route: string, strategy: string, actor: string): Promise<string>;
  /** Multiplies the deployment's weight by `factor` (routing/weight-shifts.ts) until restored. */
  lowerWeight?(deployment: string, factor: number): void;
  restoreWeight?(deployment: string): void;
  audit(action: string, target: string, details: Record<string, unknown>): void;
}

const RANK: Record<Severity, number> = { warning: 1, critical: 2 };
const ACTOR = 'sla-monitor';

export class Mitigator {
  /** What to undo per alert id. */
  readonly #undo = new Map<string, () => Promise<void>>();

  constructor(
    private readonly settings: Pick<SlaSettings, 'mitigations' | 'maxDrainedPerRoute' | 'anomaly'>,
    private readonly effects: MitigationEffects,
  ) {}

  async handle(transition: AlertTransition): Promise<void> {
    const { alert } = transition;
    if (transition.type === 'resolved') {
      const undo = this.#undo.get(alert.id);
      this.#undo.delete(alert.id);
      if (undo) await undo();
      return;
    }
    if (this.#undo.has(alert.id)) return;
    const rule = this.settings.mitigations.find((candidate) => answers(candidate, alert)) ?? this.#anomalyRule(alert);
    if (rule === undefined) return;
    if (rule.then.action === 'drain') this.#drain(alert);
    else if (rule.then.action === 'lower-weight') this.#lowerWeight(alert, rule.then.factor);
    else await this.#switch(alert, rule.then.strategy);
  }

  /** The rule an anomaly alert gets when none is configured: lower the weight, if the settings lower it at all. */
  #anomalyRule(alert: Alert): MitigationRule | undefined {
    const factor = (this.settings.anomaly ?? DEFAULT_ANOMALY_SETTINGS).weightFactor;
    if (alert.metric !== 'anomaly' || alert.kind !== 'deployment' || factor >= 1) return undefined;
    return { metric: 'anomaly', severity: 'warning', then: { action: 'lower-weight', factor } };
  }

  #lowerWeight(alert: Alert, factor: number): void {
    const { lowerWeight, restoreWeight } = this.effects;
    if (alert.kind !== 'deployment' || lowerWeight === undefined) return;
    const deployment = alert.target;
    lowerWeight(deployment, factor);
    alert.mitigation = `lower-weight:${factor}`;
    this.effects.audit('sla.lower-weight', deployment, { alert: alert.id, severity: alert.severity, value: alert.value, factor });
    this.#undo.set(alert.id, async () => {
      restoreWeight?.(deployment);
      this.effects.audit('sla.restore-weight', deployment, { alert: alert.id });
    });
  }

  #drain(alert: Alert): void {
    if (alert.kind !== 'deployment') return;
    const deployment = alert.target;
    const drained = this.effects.drained();
    for (const { route, deployments } of this.effects.routesWith(deployment)) {
      const already = deployments.filter((id) => drained.has(id)).length;
      const left = deployments.filter((id) => id !== deployment && !drained.has(id)).length;
      if (already >= this.settings.maxDrainedPerRoute || left === 0) {
        this.effects.audit('sla.mitigation-skipped', deployment, { alert: alert.id, reason: `route ${route} would be left with too little to serve` });
        return;
      }
    }
    this.effects.drain(deployment);
    alert.mitigation = 'drain';
    this.effects.audit('sla.drain', deployment, { alert: alert.id, severity: alert.severity, value: alert.value });
    this.#undo.set(alert.id, async () => {
      this.effects.undrain(deployment);
      this.effects.audit('sla.undrain', deployment, { alert: alert.id });
    });
  }

  async #switch(alert: Alert, strategy: string): Promise<void> {
    if (alert.kind !== 'route') return;
    const route = alert.target;
    const previous = await this.effects.switchStrategy(route, strategy, ACTOR);
    if (previous === strategy) return;
    alert.mitigation = `switch-strategy:${strategy}`;
    this.effects.audit('sla.switch-strategy', route, { alert: alert.id, from: previous, to: strategy });
    this.#undo.set(alert.id, async () => {
      await this.effects.switchStrategy(route, previous, ACTOR);
      this.effects.audit('sla.restore-strategy', route, { alert: alert.id, to: previous });
    });
  }
}

function answers(rule: MitigationRule, alert: Alert): boolean {
  if (rule.metric !== undefined && rule.metric !== alert.metric) return false;
  if (RANK[alert.severity] < RANK[rule.severity]) return false;
  if (rule.then.action === 'drain' || rule.then.action === 'lower-weight') return alert.kind === 'deployment';
  return alert.kind === 'route' && (rule.route === undefined || rule.route === alert.target);
}
