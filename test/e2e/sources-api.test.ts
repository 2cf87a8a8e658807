/**
 * The multi-source data router over HTTP and through its client: routing a metric (fused value,
 * confidence, per-source verdicts), advisory mode leaving routed state untouched, health ingest,
 * the read endpoints, metrics and the audit record; the 503 when nothing can answer; and
 * fetchWithRouting with a source that times out, batched health and the confidence-based cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthRecorder, createRoutedValueCache, createSourceRouter, fetchWithRouting } from '../../src/sources';
import { startHarness, type Harness } from '../support/harness';

const ADMIN_KEY = 'admin-key-for-source-tests';
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ env: { JUNCTION_ADMIN_KEY: ADMIN_KEY } });
});
afterAll(() => harness.close());

const at = Date.now();
const post = (path: string, body: unknown) => fetch(`${harness.url}/api/v1/routing${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const get = async (path: string) => (await fetch(`${harness.url}/api/v1/routing${path}`)).json();

describe('POST /api/v1/routing/route', () => {
  it('fuses the candidates into one value with a confidence and says what it did with each', async () => {
    const response = await post('/route', {
      metric_key: 'pm25.beijing',
      candidate_values: [
        { source_id: 'us-post', value: 80, timestamp: at },
        { source_id: 'mep-a', value: 82, timestamp: new Date(at).toISOString() },
        { source_id: 'mep-b', value: 400, timestamp: at },
      ],
    });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { value: number; confidence: number; is_synthetic: boolean; sources: Array<{ source_id: string; status: string }>; strategy: string; ttl_seconds: number };
    expect(result.value).toBeGreaterThanOrEqual(80);
    expect(result.value).toBeLessThanOrEqual(82);
    expect(result.is_synthetic).toBe(false);
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    // The outlier does not move the answer: rejected, or carrying little weight.
    const outlier = (result.sources as Array<{ source_id: string; status: string; weight?: number }>).find((source) => source.source_id === 'mep-b')!;
    expect(outlier.status !== 'used' || (outlier.weight ?? 0) < 0.5).toBe(true);
    expect(result.ttl_seconds).toBeGreaterThan(0);
    const audit = await harness.junction.access.store.auditLog({ limit: 1 });
    expect(audit[0]).toMatchObject({ action: 'sources.route', target: 'pm25.beijing', details: { strategy: result.strategy } });
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toMatch(/junction_source_decisions_total\{metric="pm25\.beijing",strategy="[a-z-]+",mode="routed",synthetic="false"\} 1/);
    expect(metrics).toMatch(/junction_source_trust\{metric="pm25\.beijing",source="us-post"\}/);
  });

  it('advisory mode answers and compares with a reference source, and changes no routed state', async () => {
    const before = await get('/breakers?metric_key=pm25.beijing');
    const decisions = await get('/decisions?metric_key=pm25.beijing');
    const response = await post('/route', {
      metric_key: 'pm25.beijing',
      mode: 'advisory',
      reference_source: 'us-post',
      candidate_values: [
        { source_id: 'us-post', value: 90, timestamp: at },
        { source_id: 'mep-a', value: 10, timestamp: at },
        { source_id: 'mep-b', value: 500, timestamp: at },
      ],
    });
    const result = (await response.json()) as { mode: string; reference: { source_id: string; difference: number } };
    expect(result.mode).toBe('advisory');
    expect(result.reference.source_id).toBe('us-post');
    expect(await get('/breakers?metric_key=pm25.beijing')).toEqual(before);
    expect(await get('/decisions?metric_key=pm25.beijing')).toEqual(decisions);
  });

  it('refuses a bad body with a 400 naming the field, and answers 503 naming why when nothing is usable', async () => {
    const bad = await post('/route', { metric_key: 'x', candidate_values: [{ source_id: 'a', value: 'high', timestamp: at }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request', param: 'candidate_values.0.value' } });

    const policy = await fetch(`${harness.url}/api/v1/routing/policies/strict.metric`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify({ maxStalenessMs: 60_000, synthetic: { allowed: false } }) });
    expect(policy.status).toBe(200);
    const stale = await post('/route', { metric_key: 'strict.metric', candidate_values: [{ source_id: 'a', value: 1, timestamp: at - 3_600_000 }] });
    expect(stale.status).toBe(503);
    expect(await stale.json()).toMatchObject({ error: { code: 'no_usable_source' } });
  });
});

describe('health and the read endpoints', () => {
  it('ingests health singly or in batches and shows it per source', async () => {
    const single = await post('/health', { source_id: 'us-post', metric_key: 'pm25.beijing', freshness_lag_sec: 30, response_latency_ms: 120, error_rate_win: 0, completeness_pct: 100, last_value: 81 });
    expect(await single.json()).toEqual({ accepted: 1 });
    const batch = await post('/health', [
      { source_id: 'mep-a', metric_key: 'pm25.beijing', freshness_lag_sec: 4000, error_rate_win: 0.5 },
      { source_id: 'mep-b', metric_key: 'pm25.beijing', completeness_pct: 40 },
    ]);
    expect(await batch.json()).toEqual({ accepted: 2 });
    const sources = (await get('/sources?metric_key=pm25.beijing')) as { data: Array<{ sourceId: string; lastReport?: { responseLatencyMs?: number } }> };
    expect(sources.data.find((source) => source.sourceId === 'us-post')?.lastReport?.responseLatencyMs).toBe(120);
    const breakers = (await get('/breakers?metric_key=pm25.beijing')) as { data: Array<{ sourceId: string; status: string }> };
    expect(breakers.data.map((breaker) => breaker.sourceId).sort()).toEqual(['mep-a', 'mep-b', 'us-post']);
  });
});

describe('fetchWithRouting', () => {
  const fetchers = {
    fast: async () => ({ value: 100, timestamp: Date.now() }),
    also: async () => ({ value: 102 }),
    hung: (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
  };

  it('routes through a remote Junction, leaving out a source that timed out, and reports health in a batch', async () => {
    const target = { url: harness.url };
    const health = createHealthRecorder(target, { flushEveryMs: 60_000 });
    const result = await fetchWithRouting('btc.usd', fetchers, { target, timeoutMs: 100, health });
    expect(result.sources.map((source) => source.sourceId).sort()).toEqual(['also', 'fast']);
    expect(result.value).toBeGreaterThanOrEqual(100);
    expect(result.value).toBeLessThanOrEqual(102);
    expect(await health.flush()).toBe(3);
    const sources = (await get('/sources?metric_key=btc.usd')) as { data: Array<{ sourceId: string; lastReport?: { errorRateWin?: number } }> };
    expect(sources.data.find((source) => source.sourceId === 'hung')?.lastReport?.errorRateWin).toBe(1);
    await health.close();
  });

  it('routes in process, and serves a cached value for as long as its confidence allows', async () => {
    let clock = 1_000_000;
    const router = createSourceRouter({ now: () => clock });
    const cache = createRoutedValueCache(() => clock);
    let calls = 0;
    const counted = { a: async () => (calls++, { value: 5, timestamp: clock }), b: async () => (calls++, { value: 5, timestamp: clock }) };
    const first = await fetchWithRouting('grid.carbon', counted, { target: { router }, cache, now: () => clock });
    const again = await fetchWithRouting('grid.carbon', counted, { target: { router }, cache, now: () => clock });
    expect(again).toBe(first);
    expect(calls).toBe(2);
    clock += first.ttlMs + 1;
    await fetchWithRouting('grid.carbon', counted, { target: { router }, cache, now: () => clock });
    expect(calls).toBe(4);
  });
});

describe('across a restart', () => {
  it('keeps trust, breakers, history and policies in a file beside the ledger', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { startJunction } = await import('../../src/app');
    const { testConfig } = await import('../support/harness');
    const { createLogger } = await import('../../src/observability/logger');
    const directory = mkdtempSync(join(tmpdir(), 'junction-sources-'));
    try {
      const base = testConfig('http://127.0.0.1:9');
      const config = { ...base, ledger: { ...base.ledger, kind: 'sqlite' as const, path: join(directory, 'junction.db') } };
      const first = await startJunction(config, { port: 0, logger: createLogger('silent'), env: { JUNCTION_ADMIN_KEY: ADMIN_KEY } });
      const route = (url: string, value: number) =>
        fetch(`${url}/api/v1/routing/route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metric_key: 'kept', candidate_values: [{ source_id: 'a', value, timestamp: Date.now() }, { source_id: 'b', value: value + 1, timestamp: Date.now() }] }) });
      for (let index = 0; index < 3; index += 1) expect((await route(first.url, 10 + index)).status).toBe(200);
      await fetch(`${first.url}/api/v1/routing/policies/kept`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify({ maxDeviation: 0.25 }) });
      const decisions = await (await fetch(`${first.url}/api/v1/routing/decisions?metric_key=kept`)).json();
      await first.close();

      const second = await startJunction(config, { port: 0, logger: createLogger('silent'), env: { JUNCTION_ADMIN_KEY: ADMIN_KEY } });
      try {
        expect(await (await fetch(`${second.url}/api/v1/routing/decisions?metric_key=kept`)).json()).toEqual(decisions);
        expect(await (await fetch(`${second.url}/api/v1/routing/policies/kept`)).json()).toMatchObject({ maxDeviation: 0.25 });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
