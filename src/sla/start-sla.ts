/**
 * The SLA monitor in a running gateway: it hears every finished request and breaker change,
 * evaluates on a timer, and for each transition logs, counts (metrics), notifies the webhook
 * (retried, de-duplicated; `sla.fired`, `sla.changed`, `sla.resolved`) and mitigates or undoes
 * the mitigation.
 */
import type { GatewayEvents } from '../gateway/events';
import { createWebhookNotifier, type WebhookNotifier } from '../observability/webhook';
import { balanceReport, type BalanceReport } from './balance';
import { Mitigator, type MitigationEffects } from './mitigation';
import { SlaMonitor, type TargetReport } from './monitor';
import type { Alert, AlertTransition, SlaSettings } from './types';

export interface SlaOptions {
  settings: SlaSettings;
  events: GatewayEvents;
  now: () => number;
  effects: MitigationEffects;
  log: { warn(details: object, message: string): void; info(details: object, message: string): void };
  onAlert?: (alert: Alert) => void;
  /** Whether to evaluate on a timer (tests call `evaluate` themselves). */
  timer?: boolean;
}

export interface Sla {
  active(): Alert[];
  report(): { alerts: Alert[]; targets: TargetReport[]; balance: BalanceReport[] };
  /** Evaluate now; resolves once every transition was handled (mitigations included). */
  evaluate(): Promise<AlertTransition[]>;
  close(): Promise<void>;
}

export function startSla(options: SlaOptions): Sla {
  const { settings, now } = options;
  const monitor = new SlaMonitor(settings);
  const mitigator = new Mitigator(settings, options.effects);
  const webhook: WebhookNotifier | undefined = settings.webhook
    ? createWebhookNotifier({ url: settings.webhook.url, headers: settings.webhook.headers, now, onError: (failure) => options.log.warn({ event: failure.event.id, reason: failure.reason }, 'SLA alert webhook not delivered') })
    : undefined;
  const unsubscribe = options.events.subscribe((event) => {
    if (!settings.enabled) return;
    // An anomaly crossing a threshold is evaluated at once: its point is to act before the breaker does.
    if (event.type === 'request-end') {
      if (monitor.observe(event.entry, now())) void evaluate();
    }
    else if (event.type === 'breaker-change' && event.to === 'open') monitor.breakerOpened(event.deployment, event.at);
  });

  let running: Promise<AlertTransition[]> = Promise.resolve([]);
  async function evaluateNow(): Promise<AlertTransition[]> {
    const transitions = settings.enabled ? monitor.evaluate(now()) : [];
    for (const transition of transitions) {
      const { alert } = transition;
      if (transition.type === 'resolved') options.log.info({ alert: alert.id }, `SLA alert resolved: ${describe(alert)}`);
      else options.log.warn({ alert: alert.id, severity: alert.severity }, `SLA alert ${transition.type === 'fired' ? 'fired' : `now ${alert.severity}`}: ${describe(alert)}`);
      if (transition.type !== 'resolved') options.onAlert?.(alert);
      try {
        await mitigator.handle(transition);
      } catch (error) {
        options.log.warn({ alert: alert.id, err: error instanceof Error ? error.message : String(error) }, 'SLA mitigation failed');
      }
      const at = transition.type === 'resolved' ? transition.at : alert.since;
      webhook?.notify({ id: `${alert.id}@${alert.since}:${transition.type}:${alert.severity}`, type: `sla.${transition.type}`, payload: { ...alert, at } });
    }
    return transitions;
  }
  const evaluate = () => (running = running.then(evaluateNow, evaluateNow));
  const timer = options.timer === false ? undefined : setInterval(() => void evaluate(), settings.evaluateEveryMs);
  timer?.unref();

  return {
    active: () => monitor.active(),
    report() {
      const at = now();
      return { alerts: monitor.active(), targets: monitor.reports(at), balance: monitor.routes().map((route) => balanceReport(route, monitor.distribution(route, at))) };
    },
    evaluate,
    async close() {
      if (timer) clearInterval(timer);
      unsubscribe();
      await running;
      await webhook?.close();
    },
  };
}

function describe(alert: Alert): string {
  const unit = alert.metric === 'errorRate' || alert.metric === 'anomaly' ? '' : alert.metric === 'latencyP95Ms' ? ' ms' : ' an hour';
  return `${alert.kind} ${alert.target} ${alert.metric} ${alert.value}${unit} (threshold ${alert.threshold}${unit})${alert.mitigation ? `; mitigation: ${alert.mitigation}` : ''}`;
}
