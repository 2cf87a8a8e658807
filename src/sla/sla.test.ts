import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../ledger/types';
import { balanceReport } from './balance';
import { Mitigator, type MitigationEffects } from './mitigation';
import { SlaMonitor } from './monitor';
import { RollingWindow } from './rolling-window';
import { slaSettings } from './__fixtures__/sla-settings';
import type { Alert } from './types';

const settings = slaSettings;

function entry(route: string, attempts: Array<[deployment: string, ok: boolean, latencyMs: number]>): LedgerEntry {
  const last = attempts.at(-1)!;
  return {
    requestId: 'r',
    timestamp: 0,
    route,
    ingress: 'openai',
    endpoint: 'chat',
    stream: false,
    attempts: attempts.map(([deployment, ok, latencyMs]) => ({ deployment, outcome: ok ? 'success' : 'error', latencyMs, inputTokens: 0, outputTokens: 0, costUsd: 0 })),
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    latencyMs: attempts.reduce((sum, [, , latency]) => sum + latency, 0),
    status: last[1] ? 200 : 503,
  };
}

describe('RollingWindow', () => {
  it('gives percentiles within a bin (12%) and forgets what left the window', () => {
    const window = new RollingWindow(10_000, 1_000);
    for (let index = 1; index <= 100; index += 1) window.add(0, index * 10, index % 10 !== 0);
    const summary = window.summary(500);
    expect(summary).toMatchObject({ requests: 100, errors: 10, errorRate: 0.1, availability: 0.9 });
    expect(summary.p50Ms).toBeGreaterThanOrEqual(500);
    expect(summary.p50Ms).toBeLessThan(500 * 1.12);
    expect(summary.p99Ms).toBeGreaterThanOrEqual(990);
    expect(window.summary(11_001).requests).toBe(0);
  });
});

describe('SlaMonitor', () => {
  it('fires once, changes severity, and resolves when the condition clears (injected clock)', () => {
    const monitor = new SlaMonitor(settings());
    let now = 1_000;
    // 6% errors: a warning on the deployment and the route.
    for (let index = 0; index < 100; index += 1) monitor.observe(entry('chat', [['a', index % 50 > 2, 50]]), now);
    const first = monitor.evaluate(now);
    expect(first.map((transition) => `${transition.type} ${transition.alert.id} ${transition.alert.severity}`).sort()).toEqual([
      'fired deployment:a:errorRate warning',
      'fired route:chat:errorRate warning',
    ]);
    expect(monitor.evaluate(now + 1)).toEqual([]);
    // Another 20 errors in 100 more: 13% is critical.
    for (let index = 0; index < 100; index += 1) monitor.observe(entry('chat', [['a', index % 5 !== 0, 50]]), now);
    const worse = monitor.evaluate(now + 2);
    expect(worse.find((transition) => transition.alert.id === 'deployment:a:errorRate')).toMatchObject({ type: 'changed', from: 'warning', alert: { severity: 'critical' } });
    now += 61_000 + 2_000;
    const cleared = monitor.evaluate(now);
    expect(cleared.map((transition) => transition.type)).toEqual(['resolved', 'resolved']);
    expect(monitor.active()).toEqual([]);
  });

  it('alerts on p95 latency and on breaker opens an hour, with per-target thresholds', () => {
    const monitor = new SlaMonitor(settings({ deployments: { slow: { latencyP95Ms: { warning: 1_000, critical: 2_000 } } } }));
    for (let index = 0; index < 20; index += 1) {
      monitor.observe(entry('chat', [['fast', true, 600]]), 0);
      monitor.observe(entry('other', [['slow', true, 600]]), 0);
    }
    monitor.breakerOpened('flaky', 0);
    monitor.breakerOpened('flaky', 1);
    monitor.breakerOpened('flaky', 2);
    const ids = monitor.evaluate(10).map((transition) => `${transition.alert.id} ${transition.alert.severity}`).sort();
    expect(ids).toEqual(['deployment:fast:latencyP95Ms critical', 'deployment:flaky:breakerOpensPerHour critical', 'route:chat:latencyP95Ms critical', 'route:other:latencyP95Ms critical']);
  });

  it('raises nothing on too few requests', () => {
    const monitor = new SlaMonitor(settings());
    for (let index = 0; index < 9; index += 1) monitor.observe(entry('chat', [['a', false, 50]]), 0);
    expect(monitor.evaluate(1)).toEqual([]);
  });
});

describe('Mitigator', () => {
  function effects(routes: Record<string, string[]>) {
    const drained = new Set<string>();
    const strategies: Record<string, string> = { chat: 'priority' };
    const audit: string[] = [];
    const value: MitigationEffects = {
      drain: (deployment) => drained.add(deployment),
      undrain: (deployment) => drained.delete(deployment),
      drained: () => drained,
      routesWith: (deployment) => Object.entries(routes).filter(([, ids]) => ids.includes(deployment)).map(([route, deployments]) => ({ route, deployments })),
      async switchStrategy(route, strategy) {
        const previous = strategies[route]!;
        strategies[route] = strategy;
        return previous;
      },
      audit: (action, target) => audit.push(`${action} ${target}`),
    };
    return { value, drained, strategies, audit };
  }
  const alert = (kind: 'deployment' | 'route', target: string, severity: 'warning' | 'critical' = 'critical'): Alert => ({ id: `${kind}:${target}:errorRate`, kind, target, metric: 'errorRate' as const, severity, value: 0.5, threshold: 0.1, since: 0 });

  it('drains a deployment on a critical alert and undoes it when the alert resolves, audited', async () => {
    const world = effects({ chat: ['a', 'b'] });
    const mitigator = new Mitigator({ mitigations: [{ severity: 'critical', then: { action: 'drain' } }], maxDrainedPerRoute: 1 }, world.value);
    await mitigator.handle({ type: 'fired', alert: alert('deployment', 'a', 'warning') });
    expect(world.drained.size).toBe(0);
    const critical = alert('deployment', 'a');
    await mitigator.handle({ type: 'fired', alert: critical });
    expect([...world.drained]).toEqual(['a']);
    expect(critical.mitigation).toBe('drain');
    await mitigator.handle({ type: 'resolved', alert: critical, at: 1 });
    expect(world.drained.size).toBe(0);
    expect(world.audit).toEqual(['sla.drain a', 'sla.undrain a']);
  });

  it('is bounded: never drains the last deployment of a route, nor more than the limit', async () => {
    const world = effects({ chat: ['a', 'b', 'c'], solo: ['d'] });
    const mitigator = new Mitigator({ mitigations: [{ severity: 'critical', then: { action: 'drain' } }], maxDrainedPerRoute: 1 }, world.value);
    await mitigator.handle({ type: 'fired', alert: alert('deployment', 'a') });
    await mitigator.handle({ type: 'fired', alert: alert('deployment', 'b') });
    await mitigator.handle({ type: 'fired', alert: alert('deployment', 'd') });
    expect([...world.drained]).toEqual(['a']);
    expect(world.audit.filter((line) => line.startsWith('sla.mitigation-skipped'))).toEqual(['sla.mitigation-skipped b', 'sla.mitigation-skipped d']);
  });

  it('switches a route’s strategy and restores the one it replaced', async () => {
    const world = effects({ chat: ['a', 'b'] });
    const mitigator = new Mitigator({ mitigations: [{ severity: 'warning', route: 'chat', then: { action: 'switch-strategy', strategy: 'least-latency' } }], maxDrainedPerRoute: 1 }, world.value);
    const routeAlert = alert('route', 'chat', 'warning');
    await mitigator.handle({ type: 'fired', alert: routeAlert });
    expect(world.strategies.chat).toBe('least-latency');
    await mitigator.handle({ type: 'resolved', alert: routeAlert, at: 1 });
    expect(world.strategies.chat).toBe('priority');
  });
});

describe('balanceReport', () => {
  it('is efficient when the faster, healthier deployment gets more, and says what the ideal split saves', () => {
    const window = (requests: number, meanMs: number) => ({ requests, errors: 0, errorRate: 0, availability: 1, meanMs, p50Ms: meanMs, p95Ms: meanMs, p99Ms: meanMs });
    const even = balanceReport('chat', [{ deployment: 'fast', window: window(50, 100) }, { deployment: 'slow', window: window(50, 300) }]);
    expect(even.deployments.map((row) => row.idealShare)).toEqual([0.75, 0.25]);
    expect(even.efficiency).toBe(0.75);
    expect(even.meanMs).toBe(200);
    expect(even.idealMeanMs).toBe(150);
    expect(even.savedMsPerRequest).toBe(50);
    const ideal = balanceReport('chat', [{ deployment: 'fast', window: window(75, 100) }, { deployment: 'slow', window: window(25, 300) }]);
    expect(ideal.efficiency).toBe(1);
    expect(ideal.savedMsPerRequest).toBe(0);
  });
});
