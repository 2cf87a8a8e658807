import { describe, expect, it } from 'vitest';
import { runProviderAdapterSuite } from '../../../test/conformance/provider-adapter.suite';
import { isJunctionError } from '../../errors';
import type { ChatRequest } from '../../canonical/types';
import type { UpstreamTarget } from '../types';
import { geminiDeployment, geminiFixtures, geminiProvider } from './__fixtures__/gemini-fixtures';
import { doublingSchema } from './__fixtures__/expanding-schemas';
import { createGeminiAdapter, geminiAdapter } from './gemini-adapter';

// 2025-01-02T03:04:05Z. The Gemini API's answers carry no timestamp, so `created` comes from this
// clock; pinned, it keeps whole and re-chunked replays of a stream identical (`start.created`).
runProviderAdapterSuite('gemini', createGeminiAdapter({ now: () => 1_735_787_045_000 }), geminiFixtures);

const target: UpstreamTarget = { provider: geminiProvider, deployment: geminiDeployment };
const hello: ChatRequest = { model: 'chat', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], stream: false };

function counterIds(): () => string {
  let next = 0;
  return () => `generated-${(next += 1)}`;
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('gemini adapter: upstream requests', () => {
  it.each([
    [false, 'gemini-2.5-flash', '/models/gemini-2.5-flash:generateContent'],
    [true, 'gemini-2.5-flash', '/models/gemini-2.5-flash:streamGenerateContent?alt=sse'],
    [false, 'models/gemini-2.0-flash-001', '/models/gemini-2.0-flash-001:generateContent'],
    [false, 'tuned model/x', '/models/tuned%20model%2Fx:generateContent'],
  ])('stream=%s, model %s → %s', (stream, model, path) => {
    const upstream = geminiAdapter.chatRequest({ ...hello, stream }, { provider: geminiProvider, deployment: { ...geminiDeployment, model } });
    expect(upstream.method).toBe('POST');
    expect(upstream.path).toBe(path);
  });

  it('sends the key in x-goog-api-key, never in the URL, and adds the provider headers', () => {
    const upstream = geminiAdapter.chatRequest(hello, { provider: { ...geminiProvider, headers: { 'x-team': 'blue' } }, deployment: geminiDeployment });
    expect(upstream.headers).toEqual({ 'content-type': 'application/json', 'x-goog-api-key': geminiProvider.apiKey, 'x-team': 'blue' });
    expect(upstream.path).not.toContain(geminiProvider.apiKey!);
  });

  it('refuses, as the caller\'s invalid request, tool schemas whose $refs expand past the limit, while building the request', () => {
    // 21 definitions each using the next twice: 2 KB that used to become a 62 MB body.
    const request: ChatRequest = { ...hello, tools: [{ name: 'ok', parameters: { type: 'object', properties: { q: { type: 'string' } } } }, { name: 'search', parameters: doublingSchema(21) }] };
    const error = thrownBy(() => geminiAdapter.chatRequest(request, target));
    expect(isJunctionError(error) && { code: error.code, status: error.status, param: error.param }).toEqual({ code: 'invalid_request', status: 400, param: 'tools[1]' });
  });

  it('refuses a response_format schema past the limit the same way', () => {
    const request: ChatRequest = { ...hello, responseFormat: { type: 'json_schema', name: 'answer', schema: doublingSchema(21) } };
    const error = thrownBy(() => geminiAdapter.chatRequest(request, target));
    expect(isJunctionError(error) && { code: error.code, param: error.param }).toEqual({ code: 'invalid_request', param: 'response_format' });
  });

  it('sends no key header when the provider has no key', () => {
    const upstream = geminiAdapter.chatRequest(hello, { provider: { ...geminiProvider, apiKey: undefined }, deployment: geminiDeployment });
    expect(upstream.headers).not.toHaveProperty('x-goog-api-key');
  });

  it('embeds through batchEmbedContents with the bare model id', () => {
    const upstream = geminiAdapter.embeddingRequest({ model: 'embed', input: ['a'] }, { provider: geminiProvider, deployment: { ...geminiDeployment, model: 'models/gemini-embedding-001' } });
    expect(upstream.path).toBe('/models/gemini-embedding-001:batchEmbedContents');
    expect(JSON.parse(upstream.body).requests[0].model).toBe('models/gemini-embedding-001');
  });

  it('refuses a tool result that answers no earlier call', () => {
    const request: ChatRequest = { ...hello, messages: [...hello.messages, { role: 'tool', toolCallId: 'call_missing', content: '{}' }] };
    const error = thrownBy(() => geminiAdapter.chatRequest(request, target));
    expect(isJunctionError(error) && error.code).toBe('invalid_request');
    expect(isJunctionError(error) && error.param).toBe('messages[1].toolCallId');
  });
});

describe('gemini adapter: responses', () => {
  it('uses responseId and modelVersion when present, and dates the answer by when it arrived', () => {
    const adapter = createGeminiAdapter({ now: () => Date.parse('2025-06-01T12:00:00.750Z') });
    const response = adapter.parseChatResponse(geminiFixtures.responses[0].body, target);
    expect(response).toMatchObject({ id: 'mJ4aZ-plainResponse01', model: 'gemini-2.5-flash', created: Date.parse('2025-06-01T12:00:00Z') / 1000 });
  });

  it.each([
    ['a createTime', '2025-05-31T08:00:01.123456789Z', Date.parse('2025-05-31T08:00:01Z') / 1000],
    ['an unreadable createTime', 'yesterday', Date.parse('2025-06-01T12:00:00Z') / 1000],
  ])('with %s (%s), created is %i', (_name, createTime, created) => {
    const adapter = createGeminiAdapter({ now: () => Date.parse('2025-06-01T12:00:00.750Z') });
    const body = { candidates: [{ content: { parts: [{ text: 'ok' }] }, finishReason: 'STOP' }], createTime };
    expect(adapter.parseChatResponse(body, target).created).toBe(created);
  });

  it('falls back to an injected id and the deployment model', () => {
    const adapter = createGeminiAdapter({ generateId: counterIds() });
    const body = { candidates: [{ content: { parts: [{ text: 'ok' }] }, finishReason: 'STOP' }] };
    expect(adapter.parseChatResponse(body, target)).toMatchObject({ id: 'generated-1', model: 'gemini-2.5-flash', text: 'ok' });
    expect(adapter.parseChatResponse(body, target).id).toBe('generated-2');
  });

  it('keeps function call ids Gemini sends', () => {
    const body = { candidates: [{ content: { parts: [{ functionCall: { id: 'fc-9', name: 'f', args: {} } }] }, finishReason: 'STOP' }] };
    expect(geminiAdapter.parseChatResponse(body, target).toolCalls).toEqual([{ id: 'fc-9', name: 'f', arguments: '{}' }]);
  });

  it('classifies an error object in a 200 body', () => {
    const error = thrownBy(() => geminiAdapter.parseChatResponse({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }, target));
    expect(isJunctionError(error) && error.code).toBe('upstream_overloaded');
  });

  it('estimates embedding input tokens when given the request, and checks the count', () => {
    const request = { model: 'embed', input: ['hello world', 'hi'] };
    const body = { embeddings: [{ values: [1, 0] }, { values: [0, 1] }] };
    const response = geminiAdapter.parseEmbeddingResponse(body, target, request);
    expect(response.usage.outputTokens).toBe(0);
    expect(response.usage.inputTokens).toBe(3);
    const error = thrownBy(() => geminiAdapter.parseEmbeddingResponse({ embeddings: [{ values: [1] }] }, target, request));
    expect(isJunctionError(error) && error.code).toBe('upstream_bad_response');
  });

  it.each([{}, { embeddings: [{ values: ['x'] }] }, { embedding: { values: [1] } }])('embedding body %j is upstream_bad_response', (body) => {
    const error = thrownBy(() => geminiAdapter.parseEmbeddingResponse(body, target));
    expect(isJunctionError(error) && error.code).toBe('upstream_bad_response');
  });

  it('reads an HTTP-date retry-after with the injected clock', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    const adapter = createGeminiAdapter({ now: () => now });
    const error = adapter.parseError(429, '{}', { 'retry-after': 'Sun, 01 Jun 2025 12:00:20 GMT' });
    expect(error.retryAfterMs).toBe(20_000);
  });
});

describe('gemini adapter: stream decoding', () => {
  it('starts with the first chunk and uses an injected id when responseId is absent', () => {
    const decoder = createGeminiAdapter({ generateId: counterIds(), now: () => Date.parse('2025-06-01T12:00:00Z') }).createStreamDecoder(target);
    expect(decoder.push({ data: '{"candidates":[{"content":{"parts":[{"text":"Hi"}]}}]}' })).toEqual([
      { type: 'start', id: 'generated-1', model: 'gemini-2.5-flash', created: Date.parse('2025-06-01T12:00:00Z') / 1000 },
      { type: 'text-delta', text: 'Hi' },
    ]);
  });

  it('finishes without usage when no chunk carried any', () => {
    const decoder = geminiAdapter.createStreamDecoder(target);
    decoder.push({ data: '{"candidates":[{"content":{"parts":[{"text":"Hi"}]},"finishReason":"MAX_TOKENS"}]}' });
    expect(decoder.end()).toEqual([{ type: 'finish', finishReason: { unified: 'length', raw: 'MAX_TOKENS' }, usage: undefined }]);
  });

  it.each([
    ['{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"4s"}]}}', 'upstream_rate_limited'],
    ['{"error":{"message":"The model is overloaded.","status":"UNAVAILABLE"}}', 'upstream_overloaded'],
    ['{"error":{"code":500,"message":"Internal error","status":"INTERNAL"}}', 'upstream_server_error'],
    ['{"candidates":"broken"}', 'upstream_bad_response'],
    ['not json at all', 'upstream_bad_response'],
  ])('in-stream %s throws %s', (data, code) => {
    const decoder = geminiAdapter.createStreamDecoder(target);
    decoder.push({ data: '{"candidates":[{"content":{"parts":[{"text":"Hi"}]}}]}' });
    const error = thrownBy(() => decoder.push({ data }));
    expect(isJunctionError(error) && error.code).toBe(code);
  });

  it('carries RetryInfo from an in-stream rate limit', () => {
    const decoder = geminiAdapter.createStreamDecoder(target);
    const error = thrownBy(() =>
      decoder.push({ data: '{"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"4s"}]}}' }),
    );
    expect(isJunctionError(error) && error.retryAfterMs).toBe(4_000);
  });

  it('an empty stream is truncated', () => {
    const error = thrownBy(() => geminiAdapter.createStreamDecoder(target).end());
    expect(isJunctionError(error) && error.code).toBe('upstream_stream_truncated');
  });
});
