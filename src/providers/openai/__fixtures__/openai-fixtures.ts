/**
 * Recorded-style OpenAI wire data for the provider adapter conformance suite, written from the
 * public API reference. The OpenAI-compatible adapters replay the same data with their own
 * target and snapshot directory.
 */
import { readFileSync } from 'node:fs';
import type { ChatRequest, Usage } from '../../../canonical/types';
import type { UpstreamTarget } from '../../types';
import type { AdapterFixtures } from '../../../../test/conformance/provider-adapter.suite';

function read(path: string): string {
  return readFileSync(new URL(path, import.meta.url), 'utf8');
}

function readJson(path: string): unknown {
  return JSON.parse(read(path));
}

/** An OpenAI provider and deployment as the config loader would produce them. */
export const openaiTarget: UpstreamTarget = {
  provider: {
    id: 'openai',
    kind: 'openai',
    baseUrl: 'https://api.openai.com/v1',
    apiKey: 'sk-test-0123456789abcdef',
    timeoutMs: 60_000,
    connectTimeoutMs: 5_000,
    maxConnections: 64,
    headers: { 'openai-organization': 'org-TestOrg0001' },
  },
  deployment: {
    id: 'openai-gpt-4o',
    provider: 'openai',
    model: 'gpt-4o-2024-08-06',
    pricing: { inputPerMillion: 2.5, outputPerMillion: 10, cachedInputPerMillion: 1.25 },
    contextWindow: 128_000,
    capabilities: ['chat', 'tools', 'vision', 'json', 'streaming', 'embeddings'],
    priority: 0,
    weight: 1,
    tags: {},
  },
};

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city'],
    additionalProperties: false,
  },
};

/** Canonical requests whose upstream bodies are pinned by snapshot. */
export const requestCases: Array<{ name: string; request: ChatRequest }> = [
  {
    name: 'plain-text',
    request: { model: 'gpt-4o', messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the capital of France?' }] }], stream: false },
  },
  {
    name: 'system-multi-turn',
    request: {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are a terse geography tutor.' },
        { role: 'user', content: [{ type: 'text', text: 'Capital of France?' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Paris.' }] },
        { role: 'user', content: [{ type: 'text', text: 'And of Japan?' }] },
      ],
      maxTokens: 256,
      temperature: 0.2,
      topP: 0.9,
      stop: ['\n\n'],
      seed: 42,
      user: 'user-1234',
      stream: false,
    },
  },
  {
    name: 'tools-with-result',
    request: {
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Tokyo?' }] },
        {
          role: 'assistant',
          content: [],
          toolCalls: [
            { id: 'call_Qm3vX8sLr2TfKp9WdYh6NcB1', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { id: 'call_Hd7Rk2PzW5nJq8VbLx4TmE0s', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
          ],
        },
        { role: 'tool', toolCallId: 'call_Qm3vX8sLr2TfKp9WdYh6NcB1', content: '{"temperature":18,"sky":"clear"}' },
        { role: 'tool', toolCallId: 'call_Hd7Rk2PzW5nJq8VbLx4TmE0s', content: 'weather service timed out', isError: true },
        { role: 'user', content: [{ type: 'text', text: 'Try Tokyo again.' }] },
      ],
      tools: [weatherTool, { name: 'get_time', parameters: { type: 'object', properties: {} } }],
      toolChoice: { name: 'get_weather' },
      parallelToolCalls: false,
      stream: false,
    },
  },
  {
    name: 'image-parts',
    request: {
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What differs between these two pictures?' },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/images/cat.jpg' } },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==' } },
          ],
        },
      ],
      stream: false,
    },
  },
  {
    name: 'json-schema',
    request: {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Extract: Ada Lovelace, born 1815.' }] }],
      responseFormat: {
        type: 'json_schema',
        name: 'person',
        schema: { type: 'object', properties: { name: { type: 'string' }, born: { type: 'integer' } }, required: ['name', 'born'], additionalProperties: false },
        strict: true,
      },
      stream: false,
    },
  },
  {
    name: 'streamed',
    request: {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the capital of France?' }] }],
      tools: [weatherTool],
      toolChoice: 'auto',
      maxTokens: 512,
      stream: true,
    },
  },
];

const zeroDetails = { cachedInputTokens: 0, reasoningTokens: 0 };
const stop = { unified: 'stop', raw: 'stop' } as const;
const toolCalls = { unified: 'tool-calls', raw: 'tool_calls' } as const;
const parisAndTokyo = [
  { id: 'call_Qm3vX8sLr2TfKp9WdYh6NcB1', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
  { id: 'call_Hd7Rk2PzW5nJq8VbLx4TmE0s', name: 'get_weather', arguments: '{"city":"Tokyo","unit":"celsius"}' },
];
// The suite types `usage` as always present; a stream that never sent a usage chunk finishes without one.
const noUsage = undefined as unknown as Usage;

/** The conformance fixtures for `target`, with request snapshots under `snapshotDir`. */
export function createOpenAIFixtures(target: UpstreamTarget, snapshotDir: string): AdapterFixtures {
  return {
    target,
    snapshotDir,
    requests: requestCases,
    responses: [
      { name: 'plain', body: readJson('./responses/plain.json'), expected: { text: 'The capital of France is Paris.', toolCalls: [], finishReason: stop, usage: { inputTokens: 24, outputTokens: 8, ...zeroDetails } } },
      { name: 'tool-calls', body: readJson('./responses/tool-calls.json'), expected: { text: '', toolCalls: parisAndTokyo, finishReason: toolCalls, usage: { inputTokens: 81, outputTokens: 52, ...zeroDetails } } },
      { name: 'cached-reasoning', body: readJson('./responses/cached-reasoning.json'), expected: { text: 'There are 17 prime numbers below 60.', toolCalls: [], finishReason: stop, usage: { inputTokens: 2140, outputTokens: 713, cachedInputTokens: 1920, reasoningTokens: 640 } } },
      { name: 'length', body: readJson('./responses/length.json'), expected: { text: 'Once upon a time, in a valley', toolCalls: [], finishReason: { unified: 'length', raw: 'length' }, usage: { inputTokens: 15, outputTokens: 8, ...zeroDetails } } },
      { name: 'refusal', body: readJson('./responses/refusal.json'), expected: { text: "I'm sorry, I can't help with that request.", toolCalls: [], finishReason: stop, usage: { inputTokens: 41, outputTokens: 11, ...zeroDetails } } },
      { name: 'compatible-minimal-usage', body: readJson('./responses/compatible-minimal-usage.json'), expected: { text: 'Hello! How can I help you today?', toolCalls: [], finishReason: stop, usage: { inputTokens: 12, outputTokens: 10 } } },
    ],
    streams: [
      { name: 'text-with-usage', sse: read('./streams/text-with-usage.sse'), expected: { text: 'The capital of France is Paris.', toolCalls: [], finishReason: stop, usage: { inputTokens: 24, outputTokens: 7, ...zeroDetails } } },
      {
        name: 'tool-calls-fragmented',
        sse: read('./streams/tool-calls-fragmented.sse'),
        expected: {
          text: '',
          toolCalls: [
            { id: 'call_Qm3vX8sLr2TfKp9WdYh6NcB1', name: 'get_weather', arguments: '{"city": "Paris", "unit": "celsius"}' },
            { id: 'call_Hd7Rk2PzW5nJq8VbLx4TmE0s', name: 'get_weather', arguments: '{"city": "Tokyo", "unit": "celsius"}' },
          ],
          finishReason: toolCalls,
          usage: { inputTokens: 81, outputTokens: 52, ...zeroDetails },
        },
      },
      { name: 'finish-without-usage', sse: read('./streams/finish-without-usage.sse'), expected: { text: 'Hello there!', toolCalls: [], finishReason: stop, usage: noUsage } },
      {
        name: 'whole-tool-call-usage-on-finish',
        sse: read('./streams/whole-tool-call-usage-on-finish.sse'),
        expected: { text: '', toolCalls: [{ id: 'call_a8Jd2kLq', name: 'lookup_order', arguments: '{"order_id":"A-1042"}' }], finishReason: toolCalls, usage: { inputTokens: 173, outputTokens: 21 } },
      },
    ],
    wrongShapeBodies: readJson('./wrong-shape.json') as unknown[],
    errors: [
      { name: '400 invalid request', status: 400, body: read('./errors/400-invalid-request.json'), code: 'upstream_bad_request' },
      { name: '400 context length', status: 400, body: read('./errors/400-context-length.json'), code: 'context_length_exceeded' },
      { name: '400 context length (vLLM flat body)', status: 400, body: read('./errors/400-context-length-vllm-flat.json'), code: 'context_length_exceeded' },
      { name: '400 context size (llama.cpp)', status: 400, body: read('./errors/400-context-size-llamacpp.json'), code: 'context_length_exceeded' },
      { name: '401 invalid key', status: 401, body: read('./errors/401-invalid-key.json'), code: 'upstream_auth' },
      { name: '402 out of credits', status: 402, body: read('./errors/402-insufficient-credits.json'), code: 'upstream_auth' },
      { name: '403 forbidden', status: 403, body: read('./errors/403-forbidden.json'), code: 'upstream_auth' },
      { name: '404 model not found', status: 404, body: read('./errors/404-model-not-found.json'), code: 'upstream_bad_request' },
      { name: '422 validation', status: 422, body: read('./errors/422-validation.json'), code: 'upstream_bad_request' },
      { name: '429 with retry-after', status: 429, body: read('./errors/429-rate-limit.json'), headers: { 'retry-after': '20' }, code: 'upstream_rate_limited', retryAfterMs: 20_000 },
      { name: '429 with retry-after-ms', status: 429, body: read('./errors/429-rate-limit.json'), headers: { 'retry-after-ms': '120', 'retry-after': '1' }, code: 'upstream_rate_limited', retryAfterMs: 120 },
      { name: '429 quota exhausted', status: 429, body: read('./errors/429-insufficient-quota.json'), code: 'upstream_auth' },
      { name: '500 server error', status: 500, body: read('./errors/500-server-error.json'), code: 'upstream_server_error' },
      { name: '500 context size (llama.cpp)', status: 500, body: read('./errors/500-context-size-llamacpp.json'), code: 'context_length_exceeded' },
      { name: '502 non-JSON', status: 502, body: read('./errors/502-bad-gateway.html'), code: 'upstream_server_error' },
      { name: '503 overloaded', status: 503, body: read('./errors/503-overloaded.json'), headers: { 'retry-after': '3' }, code: 'upstream_overloaded', retryAfterMs: 3_000 },
      { name: '503 empty body', status: 503, body: '', code: 'upstream_overloaded' },
    ],
    embeddings: {
      requests: [
        { name: 'embedding-basic', request: { model: 'embed', input: ['The quick brown fox', 'jumps over the lazy dog'] } },
        { name: 'embedding-dimensions-user', request: { model: 'embed', input: ['Junction routes requests'], dimensions: 256, user: 'user-1234' } },
      ],
      responses: [
        {
          name: 'out-of-order',
          body: readJson('./embeddings/two-inputs.json'),
          expected: { embeddings: [[-0.0061, 0.0337, -0.0174, 0.0528], [0.0123, -0.0456, 0.0789, -0.0012]], usage: { inputTokens: 9, outputTokens: 0 } },
        },
      ],
    },
  };
}
