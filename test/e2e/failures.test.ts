/**
 * Failures over real HTTP: upstream errors fall back or surface in the caller's own error
 * shape, streams never end silently, and a caller's disconnect aborts the upstream request.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  harness = await startHarness();
  openai = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'caller-key', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: harness.url, apiKey: 'caller-key', maxRetries: 0 });
});
afterEach(() => harness.reset());
afterAll(() => harness.close());

const hello = [{ role: 'user' as const, content: 'hello' }];

async function ledgerRow(requestId: string) {
  const rows = await harness.junction.ledger.query({ limit: 500 });
  return rows.find((row) => row.requestId === requestId);
}

/** Poll until `check` gives a value (bounded, so a broken build fails instead of hanging). */
async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 500; i += 1) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('fallback', () => {
  it('retries once, then moves to the next deployment when the first keeps answering 500, recording every attempt', async () => {
    harness.simulator.setBehaviour('gpt-4o', { errorRates: { '500': 1 } });
    const { data, response } = await openai.chat.completions.create({ model: 'failover', messages: hello }).withResponse();
    expect(data.choices[0].message.content).toBeTruthy();
    expect(response.headers.get('x-junction-deployment')).toBe('anthropic-haiku');
    expect(response.headers.get('x-junction-attempts')).toBe('3');
    expect(response.headers.get('x-junction-strategy')).toBe('priority');
    const row = await ledgerRow(response.headers.get('x-request-id')!);
    expect(row!.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.errorCode ?? null])).toEqual([
      ['openai-big', 'error', 'upstream_server_error'],
      ['openai-big', 'error', 'upstream_server_error'],
      ['anthropic-haiku', 'success', null],
    ]);
    expect(row!.status).toBe(200);
    expect(row!.costUsd).toBeGreaterThan(0);
  });

  it.each([
    ['connection reset', { resetRate: 1 }, 'upstream_connection'],
    ['malformed JSON', { malformedJsonRate: 1 }, 'upstream_bad_response'],
    ['wrong-shape 200', { wrongShapeRate: 1 }, 'upstream_bad_response'],
    ['429 with Retry-After', { errorRates: { '429': 1 }, retryAfterSeconds: 30 }, 'upstream_rate_limited'],
    ['503 down', { down: true }, 'upstream_overloaded'],
    ['401 bad key', { errorRates: { '401': 1 } }, 'upstream_auth'],
  ])('falls back past %s', async (_name, behaviour, code) => {
    harness.simulator.setBehaviour('gpt-4o', behaviour);
    const { response } = await openai.chat.completions.create({ model: 'failover', messages: hello }).withResponse();
    const row = await ledgerRow(response.headers.get('x-request-id')!);
    expect(row!.attempts[0]).toMatchObject({ deployment: 'openai-big', outcome: 'error', errorCode: code });
    expect(row!.deployment).toBe('anthropic-haiku');
  });

  it('falls back past a refused connection', async () => {
    const { response } = await openai.chat.completions.create({ model: 'dead-then-openai', messages: hello }).withResponse();
    expect(response.headers.get('x-junction-deployment')).toBe('openai-mini');
  });

  it('falls back transparently when a stream fails before its first byte, and its headers count the attempts', async () => {
    harness.simulator.setBehaviour('gpt-4o', { errorRates: { '502': 1 } });
    const { data: stream, response } = await openai.chat.completions.create({ model: 'failover', messages: hello, stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    const row = await eventually(() => ledgerRow(response.headers.get('x-request-id')!), 'the ledger row');
    expect(row!.attempts.length).toBeGreaterThan(1);
    expect(response.headers.get('x-junction-attempts')).toBe(String(row!.attempts.length));
    expect(response.headers.get('x-junction-deployment')).toBe(row!.deployment);
    expect(response.headers.get('x-junction-strategy')).toBe(row!.strategy);
  });

  it('answers 503 in the caller\'s shape, listing every attempt, when all deployments fail', async () => {
    for (const model of ['gpt-4o', 'claude-haiku', 'gemini-flash']) harness.simulator.setBehaviour(model, { errorRates: { '500': 1 } });
    const error = await openai.chat.completions.create({ model: 'failover', messages: hello }).catch((thrown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(503);
    expect(error.code).toBe('all_deployments_failed');
    for (const deployment of ['openai-big', 'anthropic-haiku', 'gemini-flash']) expect(error.message).toContain(deployment);

    const anthropicError = await anthropic.messages.create({ model: 'failover', max_tokens: 10, messages: hello }).catch((thrown) => thrown);
    expect(anthropicError).toBeInstanceOf(Anthropic.APIError);
    expect(anthropicError.status).toBe(503);
    expect(anthropicError.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });
});

describe('open breakers', () => {
  it('answers at once with a 503 and Retry-After when every deployment\'s breaker is open, calling no upstream', async () => {
    const single = await startHarness({
      // Its own deployment, so the route's breaker policy is the one that applies.
      deployments: { lonely: { provider: 'sim-openai', model: 'lonely-model', pricing: { input: 1, output: 1 }, contextWindow: 8_000, capabilities: ['chat', 'streaming'] } },
      routes: { lonely: { deployments: ['lonely'], retry: { attempts: 0 }, breaker: { consecutiveFailures: 1, cooldownMs: 30_000 } } },
    });
    try {
      single.simulator.setBehaviour('lonely-model', { errorRates: { '500': 1 } });
      const body = JSON.stringify({ model: 'lonely', messages: hello });
      const post = () => fetch(`${single.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect((await post()).status).toBe(503);
      const calls = single.simulator.stats().requests;
      const refused = await post();
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(25);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(30);
      expect(((await refused.json()) as any).error.message).toContain('lonely: not tried');
      expect(single.simulator.stats().requests).toBe(calls);
    } finally {
      await single.close();
    }
  });
});

describe('caller errors from upstream', () => {
  it('passes an upstream 400 to the openai caller as a 400 in OpenAI shape, without trying elsewhere', async () => {
    harness.simulator.setBehaviour('gpt-4o', { errorRates: { '400': 1 } });
    const error = await openai.chat.completions.create({ model: 'failover', messages: hello }).catch((thrown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ type: 'invalid_request_error', code: 'upstream_bad_request' });
    expect(harness.simulator.stats().byModel['claude-haiku']?.requests ?? 0).toBe(0);
  });

  it('passes an upstream 400 to the anthropic caller as a 400 in Anthropic shape', async () => {
    harness.simulator.setBehaviour('gpt-4o', { errorRates: { '400': 1 } });
    const error = await anthropic.messages.create({ model: 'failover', max_tokens: 10, messages: hello }).catch((thrown) => thrown);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });
});

describe('streams never end silently short', () => {
  it('ends with an explicit error the openai client raises when the upstream cuts mid-stream', async () => {
    harness.simulator.setBehaviour('gpt-4o-mini', { midStreamCutRate: 1, replyTokens: 60 });
    const stream = await openai.chat.completions.create({ model: 'to-openai', messages: hello, stream: true });
    let text = '';
    const consume = async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    };
    await expect(consume()).rejects.toThrow(/upstream_stream_truncated|ended|connection|terminated/i);
    expect(text.length).toBeGreaterThan(0);
  });

  it('ends with an Anthropic error event the SDK raises when the upstream cuts mid-stream', async () => {
    harness.simulator.setBehaviour('claude-haiku', { midStreamCutRate: 1, replyTokens: 60 });
    const stream = anthropic.messages.stream({ model: 'to-anthropic', max_tokens: 100, messages: hello });
    await expect(stream.finalMessage()).rejects.toThrow();
  });
});

describe('client disconnect', () => {
  it('aborts the upstream request when the caller goes away mid-stream, and still writes the ledger row', async () => {
    harness.simulator.setBehaviour('gpt-4o-mini', { replyTokens: 400, tokensPerSecond: 40 });
    const controller = new AbortController();
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'to-openai', messages: hello, stream: true }),
      signal: controller.signal,
    });
    const requestId = response.headers.get('x-request-id')!;
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await eventually(() => harness.simulator.stats().aborted === 1, 'the upstream to see the abort');
    expect(harness.simulator.stats().byModel['gpt-4o-mini'].aborted).toBe(1);
    const row = await eventually(() => ledgerRow(requestId), 'the ledger row');
    expect(row).toMatchObject({ status: 499, errorCode: 'client_closed', stream: true });
    expect(row!.attempts[0].outcome).toBe('aborted');
  });

  it('records a caller that hangs up halfway through sending its body as a 499', async () => {
    const { port } = new URL(harness.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: junction\r\nx-request-id: half-a-body\r\ncontent-length: 500\r\n\r\n{"model":"to-openai",');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    const row = await eventually(() => ledgerRow('half-a-body'), 'the ledger row');
    expect(row).toMatchObject({ status: 499, errorCode: 'client_closed', attempts: [] });
    expect(harness.simulator.stats().requests).toBe(0);
  });
});
