/**
 * Recorded-style wire fixtures for the Anthropic adapter, written from the public Messages API
 * reference: answer bodies (`*.json`), streams (`*.sse`), error answers and wrong-shape bodies,
 * each with the canonical result it must produce.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Deployment, Provider } from '../../../routing/catalog';
import type { AdapterFixtures } from '../../../../test/conformance/provider-adapter.suite';
import type { UpstreamTarget } from '../../types';

/** The raw text of a fixture file in this folder. */
export function readFixtureText(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
}

/** A JSON fixture file in this folder, parsed. */
export function readFixtureJson(name: string): unknown {
  return JSON.parse(readFixtureText(name));
}

export const anthropicProvider: Provider = {
  id: 'anthropic-main',
  kind: 'anthropic',
  baseUrl: 'https://api.anthropic.com/v1',
  apiKey: 'sk-ant-fixture-key-0123456789',
  timeoutMs: 60_000,
  connectTimeoutMs: 5_000,
  maxConnections: 16,
  headers: {},
};

export const anthropicDeployment: Deployment = {
  id: 'claude-sonnet@anthropic-main',
  provider: 'anthropic-main',
  model: 'claude-sonnet-4-5-20250929',
  pricing: { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3 },
  contextWindow: 200_000,
  maxOutputTokens: 8192,
  capabilities: ['chat', 'tools', 'vision', 'json', 'streaming'],
  priority: 1,
  weight: 1,
  tags: {},
};

export const anthropicTarget: UpstreamTarget = { provider: anthropicProvider, deployment: anthropicDeployment };

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city'],
  },
};

const errorBody = (type: string, message: string): string => JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_011CFixture' });

export const anthropicFixtures: AdapterFixtures = {
  target: anthropicTarget,
  snapshotDir: fileURLToPath(new URL('../__snapshots__', import.meta.url)),

  requests: [
    {
      name: 'plain',
      request: { model: 'chat-smart', messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the capital of France?' }] }], stream: false },
    },
    {
      name: 'system-multi-turn',
      request: {
        model: 'chat-smart',
        messages: [
          { role: 'system', content: 'You are a terse geography tutor.' },
          { role: 'user', content: [{ type: 'text', text: 'Capital of France?' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'Paris.' }] },
          { role: 'system', content: 'Answer in one word.' },
          { role: 'user', content: [{ type: 'text', text: 'And of Japan?' }] },
        ],
        maxTokens: 64,
        temperature: 0.2,
        stream: false,
      },
    },
    {
      name: 'tools-with-results',
      request: {
        model: 'chat-smart',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Tokyo?' }] },
          {
            role: 'assistant',
            content: [{ type: 'text', text: '' }],
            toolCalls: [
              { id: 'toolu_01Paris', name: 'get_weather', arguments: '{"city":"Paris"}' },
              { id: 'toolu_01Tokyo', name: 'get_weather', arguments: '{"city":"Tokyo","unit":"celsius"}' },
            ],
          },
          { role: 'tool', toolCallId: 'toolu_01Paris', content: '{"temperature":18,"sky":"cloudy"}' },
          { role: 'tool', toolCallId: 'toolu_01Tokyo', content: 'weather service timed out', isError: true },
          { role: 'user', content: [{ type: 'text', text: 'Retry Tokyo if it failed.' }] },
        ],
        tools: [weatherTool, { name: 'get_time', parameters: { type: 'object', properties: {} } }],
        toolChoice: { name: 'get_weather' },
        parallelToolCalls: false,
        stream: false,
      },
    },
    {
      name: 'images',
      request: {
        model: 'chat-smart',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Are these the same bird?' },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/birds/robin.jpg' } },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==' } },
            ],
          },
        ],
        stream: false,
      },
    },
    {
      name: 'json-schema-format',
      request: {
        model: 'chat-smart',
        messages: [
          { role: 'system', content: 'Extract the person.' },
          { role: 'user', content: [{ type: 'text', text: 'Ada Lovelace was born in 1815.' }] },
        ],
        responseFormat: {
          type: 'json_schema',
          name: 'person',
          schema: { type: 'object', properties: { name: { type: 'string' }, born: { type: 'integer' } }, required: ['name', 'born'] },
          strict: true,
        },
        stream: false,
      },
    },
    {
      name: 'json-object-format',
      request: {
        model: 'chat-smart',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'List three primes as {"primes": [...]}' }] }],
        responseFormat: { type: 'json_object' },
        stream: false,
      },
    },
    {
      name: 'streamed',
      request: {
        model: 'chat-smart',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Write a haiku about routers.' }] }],
        maxTokens: 200,
        temperature: 0.7,
        topP: 0.9,
        stop: ['\n\n\n'],
        seed: 7,
        user: 'user-8f14e45f',
        tools: [weatherTool],
        toolChoice: 'auto',
        stream: true,
      },
    },
  ],

  responses: [
    {
      name: 'plain',
      body: readFixtureJson('plain.json'),
      expected: { text: 'The capital of France is Paris.', toolCalls: [], finishReason: { unified: 'stop', raw: 'end_turn' }, usage: { inputTokens: 14, outputTokens: 10 } },
    },
    {
      name: 'tool-use',
      body: readFixtureJson('tool-use.json'),
      expected: {
        text: "I'll check the weather in both cities.",
        toolCalls: [
          { id: 'toolu_01Paris4Wq9eRt6yUi3oP2aS', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          { id: 'toolu_01Tokyo7Df5gHj2kLz8xC1vB', name: 'get_weather', arguments: '{"city":"Tokyo","unit":"celsius"}' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_use' },
        usage: { inputTokens: 412, outputTokens: 98 },
      },
    },
    {
      name: 'cache-usage',
      body: readFixtureJson('cache-usage.json'),
      expected: {
        text: 'Section 4.2 limits liability to the fees paid in the preceding twelve months',
        toolCalls: [],
        finishReason: { unified: 'length', raw: 'max_tokens' },
        usage: { inputTokens: 2257, outputTokens: 16, cachedInputTokens: 2048, cacheWriteTokens: 188 },
      },
    },
    {
      name: 'thinking-and-text',
      body: readFixtureJson('thinking-and-text.json'),
      expected: {
        text: '144 — that is the answer.',
        toolCalls: [],
        finishReason: { unified: 'stop', raw: 'stop_sequence' },
        usage: { inputTokens: 30, outputTokens: 45, cachedInputTokens: 0, cacheWriteTokens: 0 },
      },
    },
  ],

  streams: [
    {
      name: 'text-with-ping',
      sse: readFixtureText('text-with-ping.sse'),
      expected: {
        text: 'Hello, world! How can I help?',
        toolCalls: [],
        finishReason: { unified: 'stop', raw: 'end_turn' },
        usage: { inputTokens: 18, outputTokens: 12, cachedInputTokens: 0, cacheWriteTokens: 0 },
      },
    },
    {
      name: 'tool-use',
      sse: readFixtureText('tool-use.sse'),
      expected: {
        text: 'Let me look up both cities.',
        toolCalls: [
          { id: 'toolu_01StreamParis8Hn3Kd', name: 'get_weather', arguments: '{"city": "Paris", "unit": "celsius"}' },
          { id: 'toolu_01StreamTokyo5Rb7Wm', name: 'get_time', arguments: '{"timezone": "Asia/Tokyo"}' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_use' },
        usage: { inputTokens: 472, outputTokens: 89 },
      },
    },
    {
      name: 'thinking-then-text',
      sse: readFixtureText('thinking-then-text.sse'),
      expected: {
        text: '42',
        toolCalls: [],
        finishReason: { unified: 'length', raw: 'max_tokens' },
        usage: { inputTokens: 1540, outputTokens: 64, cachedInputTokens: 1500, cacheWriteTokens: 0 },
      },
    },
  ],

  wrongShapeBodies: [
    {},
    null,
    'The capital of France is Paris.',
    [{ type: 'text', text: 'hi' }],
    { type: 'error', error: { type: 'api_error', message: 'Internal server error' } },
    { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: 'hi', stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } },
    {
      id: 'msg_2',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather' }],
      stop_reason: 'tool_use',
      usage: { input_tokens: 1, output_tokens: 1 },
    },
    { id: 'msg_3', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'hi' }], stop_reason: 'end_turn' },
    {
      id: 'msg_4',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 42 }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 1, output_tokens: 1 },
    },
  ],

  errors: [
    { name: '400 invalid request', status: 400, body: errorBody('invalid_request_error', 'messages: roles must alternate between "user" and "assistant"'), code: 'upstream_bad_request' },
    { name: '400 prompt too long', status: 400, body: errorBody('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'), code: 'context_length_exceeded' },
    {
      name: '400 input plus max_tokens over the context limit',
      status: 400,
      body: errorBody('invalid_request_error', 'input length and `max_tokens` exceed context limit: 197000 + 8192 > 200000, decrease input length or `max_tokens` and try again'),
      code: 'context_length_exceeded',
    },
    { name: '401 bad key', status: 401, body: errorBody('authentication_error', 'invalid x-api-key'), code: 'upstream_auth' },
    { name: '403 no permission', status: 403, body: errorBody('permission_error', 'Your API key does not have permission to use the specified resource.'), code: 'upstream_auth' },
    { name: '404 unknown model', status: 404, body: errorBody('not_found_error', 'model: claude-nonexistent'), code: 'upstream_bad_request' },
    { name: '413 request too large', status: 413, body: errorBody('request_too_large', 'Request exceeds the maximum allowed number of bytes.'), code: 'upstream_bad_request' },
    {
      name: '429 with retry-after',
      status: 429,
      body: errorBody('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'),
      headers: { 'retry-after': '7' },
      code: 'upstream_rate_limited',
      retryAfterMs: 7000,
    },
    { name: '500 api error', status: 500, body: errorBody('api_error', 'Internal server error'), code: 'upstream_server_error' },
    { name: '529 overloaded', status: 529, body: errorBody('overloaded_error', 'Overloaded'), headers: { 'retry-after': '2' }, code: 'upstream_overloaded', retryAfterMs: 2000 },
    {
      name: '502 non-JSON from a proxy',
      status: 502,
      body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
      code: 'upstream_server_error',
    },
  ],
};
