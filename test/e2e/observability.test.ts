/** Liveness, readiness and Prometheus metrics as an operator scrapes them. */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEEP_ALIVE_TIMEOUT_MS } from '../../src/http/server';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());

describe('health, readiness and metrics', () => {
  it('keeps idle caller connections open longer than load balancers do, and says so', async () => {
    const { request } = await import('undici');
    const { headers, body } = await request(`${harness.url}/health`);
    await body.dump();
    // Node's own default is 5 s: shorter than the idle timeouts of callers' pools and proxies.
    expect(headers['keep-alive']).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
  });

  it('answers /health and /ready', async () => {
    expect((await fetch(`${harness.url}/health`)).status).toBe(200);
    const ready = await fetch(`${harness.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('counts requests, attempts by outcome and code, tokens, cost, latency and TTFT', async () => {
    harness.simulator.setBehaviour('gpt-4o', { errorRates: { '500': 1 } });
    const client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'k', maxRetries: 0 });
    await client.chat.completions.create({ model: 'failover', messages: [{ role: 'user', content: 'hi' }] });
    const stream = await client.chat.completions.create({ model: 'to-openai', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const _chunk of stream) void _chunk;

    const response = await fetch(`${harness.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/junction_requests_total\{route="failover",ingress="openai",endpoint="chat",stream="false",status="200"\} 1/);
    expect(text).toMatch(/junction_upstream_attempts_total\{deployment="openai-big",provider="sim-openai",outcome="error",code="upstream_server_error"\} 2/);
    expect(text).toMatch(/junction_upstream_attempts_total\{deployment="anthropic-haiku",provider="sim-anthropic",outcome="success",code="ok"\} 1/);
    expect(text).toMatch(/junction_tokens_total\{deployment="anthropic-haiku",direction="output"\} [1-9]/);
    expect(text).toMatch(/junction_cost_usd_total\{deployment="anthropic-haiku"\} \d/);
    expect(text).toMatch(/junction_request_duration_seconds_count\{route="to-openai",stream="true"\} 1/);
    expect(text).toMatch(/junction_time_to_first_token_seconds_count\{route="to-openai",stream="true"\} 1/);
    // Junction's own cost per request, upstream time excluded: counted for both requests, and small.
    expect(text).toMatch(/junction_gateway_overhead_seconds_count\{stream="false"\} 1/);
    expect(text).toMatch(/junction_gateway_overhead_seconds_count\{stream="true"\} 1/);
    expect(text).toMatch(/junction_gateway_overhead_seconds_bucket\{le="\+Inf",stream="false"\} 1/);
  });
});
