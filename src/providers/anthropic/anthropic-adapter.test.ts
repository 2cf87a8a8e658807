import { describe, expect, it } from 'vitest';
import { isJunctionError } from '../../errors';
import type { ChatRequest } from '../../canonical/types';
import { collectStream, runProviderAdapterSuite } from '../../../test/conformance/provider-adapter.suite';
import { parseSseText } from '../../wire/sse';
import type { UpstreamTarget } from '../types';
import { anthropicDeployment, anthropicFixtures, anthropicProvider, anthropicTarget, readFixtureJson, readFixtureText } from './__fixtures__/anthropic-fixtures';
import { ANTHROPIC_VERSION, anthropicAdapter, createAnthropicAdapter } from './anthropic-adapter';

// 2025-01-02T03:04:05Z: Anthropic answers carry no timestamp, so `created` comes from this clock.
const FIXED_NOW_MS = 1_735_787_045_000;
const adapter = createAnthropicAdapter({ now: () => FIXED_NOW_MS });

// A pinned clock keeps whole and re-chunked replays of a stream identical (`start.created`).
runProviderAdapterSuite('anthropic', adapter, anthropicFixtures);

const hello: ChatRequest = { model: 'chat-smart', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }], stream: false };

function bodyOf(request: ChatRequest, target: UpstreamTarget = anthropicTarget): Record<string, unknown> {
  return JSON.parse(adapter.chatRequest(request, target).body) as Record<string, unknown>;
}

describe('anthropic adapter', () => {
  it('is the anthropic kind, with no embeddings API', () => {
    expect(anthropicAdapter.kind).toBe('anthropic');
    expect(anthropicAdapter.embeddingRequest).toBeUndefined();
    expect(anthropicAdapter.parseEmbeddingResponse).toBeUndefined();
  });

  it('posts to /messages with the key, version and content type', () => {
    const upstream = adapter.chatRequest(hello, anthropicTarget);
    expect(upstream).toMatchObject({ method: 'POST', path: '/messages' });
    expect(upstream.headers).toEqual({
      'content-type': 'application/json',
      'anthropic-version': ANTHROPIC_VERSION,
      'x-api-key': anthropicProvider.apiKey,
    });
  });

  it('sends no x-api-key without a key, and provider headers win', () => {
    const target: UpstreamTarget = {
      provider: { ...anthropicProvider, apiKey: undefined, headers: { 'anthropic-version': '2099-01-01', 'anthropic-beta': 'some-feature' } },
      deployment: anthropicDeployment,
    };
    const { headers } = adapter.chatRequest(hello, target);
    expect(headers['x-api-key']).toBeUndefined();
    expect(headers['anthropic-version']).toBe('2099-01-01');
    expect(headers['anthropic-beta']).toBe('some-feature');
  });

  it.each([
    { name: 'the request', maxTokens: 100, deploymentMax: 8192, expected: 100 },
    { name: 'the deployment', maxTokens: undefined, deploymentMax: 8192, expected: 8192 },
    { name: 'the default', maxTokens: undefined, deploymentMax: undefined, expected: 4096 },
  ])('takes max_tokens from $name', ({ maxTokens, deploymentMax, expected }) => {
    const target: UpstreamTarget = { provider: anthropicProvider, deployment: { ...anthropicDeployment, maxOutputTokens: deploymentMax } };
    expect(bodyOf({ ...hello, maxTokens }, target).max_tokens).toBe(expected);
  });

  it('uses the deployment model, not the route name', () => {
    expect(bodyOf(hello).model).toBe(anthropicDeployment.model);
  });

  it('rejects tool call arguments that are not JSON as the caller\'s invalid_request', () => {
    const request: ChatRequest = {
      ...hello,
      messages: [...hello.messages, { role: 'assistant', content: [], toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: '{"city": Par' }] }],
    };
    try {
      adapter.chatRequest(request, anthropicTarget);
      expect.unreachable('expected invalid_request');
    } catch (error) {
      expect(isJunctionError(error) && error.code).toBe('invalid_request');
      expect(isJunctionError(error) && error.param).toBe('messages[1].toolCalls[0].arguments');
    }
  });

  it('stamps created from the injected clock on responses and stream starts', () => {
    expect(adapter.parseChatResponse(readFixtureJson('plain.json'), anthropicTarget).created).toBe(1_735_787_045);
    const decoder = adapter.createStreamDecoder(anthropicTarget);
    const [start] = decoder.push(parseSseText(readFixtureText('text-with-ping.sse'))[0]);
    expect(start).toEqual({ type: 'start', id: 'msg_01StreamTxtA2sD4fG6hJ8kL', model: 'claude-sonnet-4-5-20250929', created: 1_735_787_045 });
  });

  it('keeps the upstream id and model of a whole response', () => {
    const response = adapter.parseChatResponse(readFixtureJson('tool-use.json'), anthropicTarget);
    expect(response.id).toBe('msg_01ToolUseH8cN2wPz5Vb6Jd1k');
    expect(response.model).toBe('claude-sonnet-4-5-20250929');
  });

  it('throws upstream_overloaded on an in-stream overloaded_error, after the text that came before it', () => {
    const decoder = adapter.createStreamDecoder(anthropicTarget);
    const events = [];
    let thrown: unknown;
    try {
      for (const message of parseSseText(readFixtureText('overloaded-error.sse'))) events.push(...decoder.push(message));
    } catch (error) {
      thrown = error;
    }
    expect(isJunctionError(thrown) && thrown.code).toBe('upstream_overloaded');
    expect(collectStream(events).text).toBe('Once upon');
    expect(events.some((event) => event.type === 'finish')).toBe(false);
  });

  it('classifies errors with the upstream message and retry-after', () => {
    const error = adapter.parseError(529, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', { 'retry-after': '3' });
    expect(error.message).toContain('Overloaded');
    expect(error.retryAfterMs).toBe(3000);
  });
});
