/**
 * OpenTelemetry traces to a real OTLP/HTTP receiver: a request that falls back gives one server
 * span for the request and a client span per attempt under it, with the GenAI semantic
 * conventions' names and attributes; with tracing off (the default) nothing is exported.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  status?: { code?: number };
}

let receiver: Server;
const spans: OtlpSpan[] = [];
let harness: Harness;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const payload = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
      for (const resource of payload.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      response.setHeader('content-type', 'application/json');
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  harness = await startHarness({ tracing: { enabled: true, endpoint: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces`, serviceName: 'junction-test' } });
});
afterAll(async () => {
  await harness.close();
  await new Promise((resolve) => receiver.close(resolve));
});

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value === undefined ? undefined : (Object.values(value)[0] as unknown);
};

describe('tracing', () => {
  it('exports a request span and an attempt span per upstream call, with GenAI attributes', async () => {
    harness.simulator.setBehaviour('gpt-4o', { down: true });
    const response = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'failover', messages: [{ role: 'user', content: 'Hello' }] }) });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    await harness.junction.tracing!.flush();
    const request = spans.find((span) => attribute(span, 'junction.request_id') === requestId)!;
    expect(request).toBeDefined();
    expect(request.name).toBe('chat failover');
    expect(request.kind).toBe(2); // SERVER
    expect(attribute(request, 'gen_ai.operation.name')).toBe('chat');
    expect(attribute(request, 'gen_ai.request.model')).toBe('failover');
    expect(attribute(request, 'gen_ai.response.model')).toBe('claude-haiku');
    expect(Number(attribute(request, 'gen_ai.usage.output_tokens'))).toBeGreaterThan(0);
    expect(Number(attribute(request, 'junction.attempts'))).toBe(2);

    const attempts = spans.filter((span) => span.parentSpanId === request.spanId && span.traceId === request.traceId);
    expect(attempts.map((span) => span.name)).toEqual(['chat gpt-4o', 'chat claude-haiku']);
    expect(attempts.map((span) => attribute(span, 'junction.attempt.outcome'))).toEqual(['error', 'success']);
    expect(attribute(attempts[0]!, 'gen_ai.provider.name')).toBe('openai');
    expect(attribute(attempts[1]!, 'gen_ai.provider.name')).toBe('anthropic');
    expect(attempts[0]!.status?.code).toBe(2); // ERROR
  });
});
