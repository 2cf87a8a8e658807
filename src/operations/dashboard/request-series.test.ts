import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../ledger/types';
import { GatewayEvents } from '../../gateway/events';
import { addSample, emptyHistogram, MAX_BIN, percentile } from './histogram';
import { createRequestSeries, OTHER } from './request-series';
import { createDashboard } from '.';

function entry(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  const deployment = overrides.deployment ?? 'dep-a';
  return {
    requestId: 'req-' + Math.random().toString(36).slice(2),
    timestamp: 0,
    route: 'chat',
    ingress: 'openai',
    endpoint: 'chat',
    stream: false,
    deployment,
    attempts: [{ deployment, outcome: 'success', latencyMs: overrides.latencyMs ?? 100, inputTokens: 10, outputTokens: 5, costUsd: 0.001 }],
    inputTokens: 10,
    outputTokens: 5,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0.001,
    latencyMs: 100,
    status: 200,
    strategy: 'priority',
    decisionReason: 'first healthy by priority',
    ...overrides,
  } as LedgerEntry;
}

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('histogram percentiles', () => {
  it.each([
    [[100], 0.5, 100],
    [[5, 5, 5, 5], 0.95, 5],
    [[0, 0.5, 1], 0.5, 0],
  ])('%j at p%d is %d (clamped to what was seen)', (samples, p, expected) => {
    const histogram = emptyHistogram();
    for (const sample of samples) addSample(histogram, sample);
    expect(percentile(histogram, p)).toBe(expected);
  });

  it('is undefined with no samples', () => {
    expect(percentile(emptyHistogram(), 0.5)).toBeUndefined();
  });

  it('stays within 5% of the exact percentile, in bounded memory', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }), fc.constantFrom(0.5, 0.95, 0.99), (samples, p) => {
        const histogram = emptyHistogram();
        for (const sample of samples) addSample(histogram, sample);
        const sorted = [...samples].sort((a, b) => a - b);
        const exact = sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
        const estimate = percentile(histogram, p)!;
        expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(0.05 + 1e-9);
        expect(histogram.bins.size).toBeLessThanOrEqual(MAX_BIN + 1);
      }),
    );
  });
});

describe('request series', () => {
  it('puts requests into 10 s buckets over a 15 minute window, oldest first', () => {
    const time = clock(10_000_000);
    const series = createRequestSeries({ now: time.now });
    series.record(entry());
    series.record(entry({ status: 502, deployment: undefined, errorCode: 'upstream_error', attempts: [{ deployment: 'dep-a', outcome: 'error', latencyMs: 40, inputTokens: 0, outputTokens: 0, costUsd: 0 }] }));
    time.advance(10_000);
    series.record(entry({ latencyMs: 300 }));
    const snapshot = series.snapshot();
    expect(snapshot.series).toHaveLength(90);
    expect(snapshot.series.at(-1)).toMatchObject({ start: 10_010_000, requests: 1, errors: 0 });
    expect(snapshot.series.at(-2)).toMatchObject({ start: 10_000_000, requests: 2, errors: 1 });
    expect(snapshot.totals).toMatchObject({ requests: 3, errors: 1 });
    expect(snapshot.deployments['dep-a']).toMatchObject({ attempts: 3, errors: 1 });
    expect(snapshot.routes).toEqual({ chat: { 'dep-a': 2, none: 1 } });
  });

  it('reports p50 and p95 latency and TTFT per deployment', () => {
    const time = clock();
    const series = createRequestSeries({ now: time.now });
    for (let index = 1; index <= 100; index += 1) {
      series.record(entry({ deployment: 'fast', ttftMs: index, attempts: [{ deployment: 'fast', outcome: 'success', latencyMs: index * 10, inputTokens: 1, outputTokens: 1, costUsd: 0 }] }));
    }
    const fast = series.snapshot().deployments['fast']!;
    expect(fast.latency.p50).toBeGreaterThan(475);
    expect(fast.latency.p50).toBeLessThan(525);
    expect(fast.latency.p95).toBeGreaterThan(900);
    expect(fast.latency.p95).toBeLessThan(1000);
    expect(fast.ttft.p95).toBeGreaterThan(90);
    expect(fast.ttft.p95).toBeLessThanOrEqual(100);
  });

  it('forgets what falls out of the window and never holds more buckets than it spans', () => {
    const time = clock();
    const series = createRequestSeries({ now: time.now, bucketMs: 1_000, windowMs: 60_000 });
    for (let second = 0; second < 600; second += 1) {
      series.record(entry({ fallbackTier: 'secondary' }));
      time.advance(1_000);
      expect(series.size()).toBeLessThanOrEqual(60);
    }
    const snapshot = series.snapshot();
    expect(snapshot.series).toHaveLength(60);
    // The bucket of "now" is still empty: 59 of the last 60 seconds had one request each.
    expect(snapshot.totals.requests).toBe(59);
    expect(snapshot.fallbacks).toEqual({ secondary: 59 });
    time.advance(61_000);
    expect(series.snapshot().totals.requests).toBe(0);
    expect(series.size()).toBe(0);
  });

  it('keeps only the last decisions, newest first, with their reasons', () => {
    const time = clock();
    const series = createRequestSeries({ now: time.now, maxDecisions: 3 });
    for (let index = 0; index < 10; index += 1) series.record(entry({ requestId: `r${index}`, decisionReason: `reason ${index}` }));
    const { decisions } = series.snapshot();
    expect(decisions.map((decision) => decision.requestId)).toEqual(['r9', 'r8', 'r7']);
    expect(decisions[0]).toMatchObject({ reason: 'reason 9', strategy: 'priority', status: 200, attempts: [{ deployment: 'dep-a', outcome: 'success' }] });
  });

  it('lumps names beyond maxKeys under "other" so hostile route names cannot grow memory', () => {
    const series = createRequestSeries({ now: clock().now, maxKeys: 4 });
    for (let index = 0; index < 50; index += 1) series.record(entry({ route: `route-${index}` }));
    const { routes } = series.snapshot();
    expect(Object.keys(routes)).toHaveLength(5);
    expect(routes[OTHER]).toEqual({ 'dep-a': 46 });
  });
});

describe('dashboard data', () => {
  const operations = { status: () => [], routes: () => [] };

  it('hears request-end and breaker-change events, and stops when closed', async () => {
    const events = new GatewayEvents();
    const time = clock();
    const dashboard = createDashboard({ operations, events, now: time.now });
    events.emit({ type: 'request-end', entry: entry() });
    events.emit({ type: 'breaker-change', deployment: 'dep-a', from: 'closed', to: 'open', at: time.now() });
    let data = await dashboard.data();
    expect(data.totals.requests).toBe(1);
    expect(data.breakerChanges).toEqual([{ deployment: 'dep-a', from: 'closed', to: 'open', at: time.now() }]);
    dashboard.close();
    events.emit({ type: 'request-end', entry: entry() });
    data = await dashboard.data();
    expect(data.totals.requests).toBe(1);
  });

  it('says honestly what it lacks: no budgets, no ledger, no cache, no alert source', async () => {
    const dashboard = createDashboard({ operations, events: new GatewayEvents(), now: Date.now, budgets: async () => [] });
    const data = await dashboard.data();
    expect(data.budgets).toEqual({ available: true, items: [], note: 'no budgets configured' });
    expect(data.spend.available).toBe(false);
    expect(data.cache.enabled).toBe(false);
    expect(data.alerts).toEqual({ available: false, items: [] });
  });

  it('shows the alerts of a plugged-in provider, and survives a failing source', async () => {
    const dashboard = createDashboard({ operations, events: new GatewayEvents(), now: Date.now, spend: async () => Promise.reject(new Error('ledger down')) });
    const alert = { id: 'a1', severity: 'critical' as const, target: 'dep-a', metric: 'error_rate', value: 0.4, threshold: 0.1, since: 5 };
    dashboard.useAlerts(() => [alert]);
    const data = await dashboard.data();
    expect(data.alerts).toEqual({ available: true, items: [alert] });
    expect(data.spend).toMatchObject({ available: false, note: 'spend unavailable: ledger down' });
  });
});
