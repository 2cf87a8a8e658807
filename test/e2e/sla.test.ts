/**
 * The SLA monitor in a running gateway, on an injected clock: a deployment failing every request
 * raises a critical error-rate alert once; the configured mitigation drains it (requests go
 * straight to the healthy one, the preview says why) and is audited; the webhook hears of it;
 * once the failures leave the window the alert resolves, the drain is undone, and the webhook
 * hears that too. GET /sla and the metrics show it all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
let hook: Server;
const received: Array<{ type: string; payload: { id: string; severity: string; mitigation?: string } }> = [];
let now = 1_800_000_000_000;

beforeAll(async () => {
  hook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push(JSON.parse(body));
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  harness = await startHarness({
    now: () => now,
    deployments: {
      'sla-bad': { provider: 'sim-openai', model: 'sla-bad-model', pricing: { input: 1, output: 1 }, contextWindow: 8_000 },
      'sla-good': { provider: 'sim-openai', model: 'gpt-4o-mini', pricing: { input: 1, output: 1 }, contextWindow: 8_000 },
    },
    routes: { guarded: { deployments: ['sla-bad', 'sla-good'], retry: { attempts: 0 }, breaker: { consecutiveFailures: 1_000, failureRate: 1, minimumRequests: 1_000 } } },
    sla: {
      windowMs: 60_000,
      evaluateEveryMs: 3_600_000,
      minimumRequests: 5,
      mitigations: [{ metric: 'errorRate', severity: 'critical', then: { action: 'drain' } }],
      webhook: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts` },
    },
  });
});
afterAll(async () => {
  await harness.close();
  await new Promise((resolve) => hook.close(resolve));
});

const ask = () =>
  fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'guarded', messages: [{ role: 'user', content: 'Hello' }] }) });

describe('the SLA monitor', () => {
  it('alerts once, drains the failing deployment, and undoes it when the alert resolves', async () => {
    harness.simulator.setBehaviour('sla-bad-model', { down: true });
    for (let index = 0; index < 8; index += 1) {
      const response = await ask();
      expect(response.status).toBe(200);
      expect(response.headers.get('x-junction-attempts')).toBe('2');
    }
    const fired = await harness.junction.sla.evaluate();
    expect(fired.map((transition) => `${transition.type} ${transition.alert.id} ${transition.alert.severity}`)).toContain('fired deployment:sla-bad:errorRate critical');
    expect(harness.junction.services.drained.has('sla-bad')).toBe(true);
    expect(await harness.junction.sla.evaluate()).toEqual([]);

    // Drained: tried only after the healthy deployment, and the preview says why.
    const drained = await ask();
    expect(drained.headers.get('x-junction-attempts')).toBe('1');
    expect(drained.headers.get('x-junction-deployment')).toBe('sla-good');
    const preview = (await (await fetch(`${harness.url}/v1/routing/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'guarded', messages: [{ role: 'user', content: 'Hi' }] }) })).json()) as { plan: Array<{ deployment: string; tier: string; reason: string }> };
    expect(preview.plan.at(-1)).toMatchObject({ deployment: 'sla-bad', tier: 'last-resort', reason: expect.stringContaining('drained by an SLA mitigation') });

    const report = (await (await fetch(`${harness.url}/sla`)).json()) as { alerts: Array<{ id: string; mitigation?: string }>; balance: Array<{ route: string; efficiency: number }> };
    expect(report.alerts).toContainEqual(expect.objectContaining({ id: 'deployment:sla-bad:errorRate', mitigation: 'drain' }));
    expect(report.balance.find((row) => row.route === 'guarded')).toBeDefined();
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toMatch(/junction_sla_alerts_total\{metric="errorRate",severity="critical"\} [1-9]/);
    expect(metrics).toContain('junction_sla_alert_active{kind="deployment",target="sla-bad",metric="errorRate",severity="critical"} 1');

    // The failures leave the window: resolved, and the drain is undone.
    now += 120_000;
    const resolved = await harness.junction.sla.evaluate();
    expect(resolved.map((transition) => `${transition.type} ${transition.alert.id}`)).toContain('resolved deployment:sla-bad:errorRate');
    expect(harness.junction.services.drained.size).toBe(0);

    const audit = await harness.junction.access.store.auditLog({ limit: 10 });
    expect(audit.map((row) => `${row.actor} ${row.action} ${row.target}`)).toEqual(expect.arrayContaining(['sla-monitor sla.drain sla-bad', 'sla-monitor sla.undrain sla-bad']));
    await vi.waitFor(() => {
      const events = received.filter((event) => event.payload.id === 'deployment:sla-bad:errorRate').map((event) => event.type);
      expect(events).toEqual(['sla.fired', 'sla.resolved']);
    });
  });
});
