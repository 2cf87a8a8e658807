/**
 * Recorded-style Gemini wire fixtures for the provider adapter conformance suite, written from
 * the public API reference: response bodies in `responses/`, raw SSE streams in `streams/`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdapterFixtures } from '../../../../test/conformance/provider-adapter.suite';
import type { Deployment, Provider } from '../../../routing/catalog';
import { errorCases } from './errors';
import { chatRequests, embeddingRequests } from './requests';

const here = dirname(fileURLToPath(import.meta.url));
const json = (path: string): unknown => JSON.parse(readFileSync(join(here, path), 'utf8'));
const sse = (name: string): string => readFileSync(join(here, 'streams', name), 'utf8');

export const geminiProvider: Provider = {
  id: 'gemini-main',
  kind: 'gemini',
  baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  apiKey: 'test-gemini-key-0123456789',
  timeoutMs: 30_000,
  connectTimeoutMs: 5_000,
  maxConnections: 16,
  headers: {},
};

export const geminiDeployment: Deployment = {
  id: 'gemini-flash',
  provider: 'gemini-main',
  model: 'gemini-2.5-flash',
  pricing: { inputPerMillion: 0.3, outputPerMillion: 2.5 },
  contextWindow: 1_048_576,
  capabilities: ['chat', 'tools', 'vision', 'json', 'streaming', 'embeddings'],
  priority: 0,
  weight: 1,
  tags: {},
};

const weatherCalls = [
  { id: 'call_0', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
  { id: 'call_1', name: 'get_weather', arguments: '{"city":"Tokyo","unit":"celsius"}' },
];

export const geminiFixtures: AdapterFixtures = {
  target: { provider: geminiProvider, deployment: geminiDeployment },
  snapshotDir: join(here, '..', '__snapshots__'),
  requests: chatRequests,
  responses: [
    {
      name: 'plain',
      body: json('responses/plain.json'),
      expected: { text: 'Hello! How can I help you today?', toolCalls: [], finishReason: { unified: 'stop', raw: 'STOP' }, usage: { inputTokens: 7, outputTokens: 9 } },
    },
    {
      name: 'two function calls',
      body: json('responses/function-calls.json'),
      expected: {
        text: "I'll look up both cities.",
        toolCalls: weatherCalls,
        finishReason: { unified: 'tool-calls', raw: 'STOP' },
        usage: { inputTokens: 58, outputTokens: 31 },
      },
    },
    {
      // Gemini 3 signs the first of parallel calls; the signature's UTF-8, base64url, rides in the id.
      name: 'signed function calls',
      body: json('responses/function-calls-signed.json'),
      expected: {
        text: '',
        toolCalls: [
          { id: 'call_0__thought__Q3R3Q0FkSHRpbTl1MGEvWnIrMnF4azNwN2hWbjhKcTFGNmJZeCtMdzBiMnJUejNWOWs9PQ', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          { id: 'call_1', name: 'get_weather', arguments: '{"city":"Tokyo","unit":"celsius"}' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'STOP' },
        usage: { inputTokens: 58, outputTokens: 93, reasoningTokens: 62 },
      },
    },
    {
      name: 'thoughts and cached prompt',
      body: json('responses/thoughts-cached.json'),
      expected: {
        text: '6 × 7 = 42.',
        toolCalls: [],
        finishReason: { unified: 'stop', raw: 'STOP' },
        usage: { inputTokens: 4120, outputTokens: 125, cachedInputTokens: 4096, reasoningTokens: 117 },
      },
    },
    {
      name: 'prompt blocked',
      body: json('responses/prompt-blocked.json'),
      expected: { text: '', toolCalls: [], finishReason: { unified: 'content-filter', raw: 'SAFETY' }, usage: { inputTokens: 12, outputTokens: 0 } },
    },
    {
      name: 'candidate stopped for safety',
      body: json('responses/candidate-safety.json'),
      expected: { text: '', toolCalls: [], finishReason: { unified: 'content-filter', raw: 'SAFETY' }, usage: { inputTokens: 15, outputTokens: 0 } },
    },
    {
      name: 'max tokens',
      body: json('responses/max-tokens.json'),
      expected: { text: 'Once upon a time, in a land far', toolCalls: [], finishReason: { unified: 'length', raw: 'MAX_TOKENS' }, usage: { inputTokens: 10, outputTokens: 8 } },
    },
  ],
  streams: [
    {
      name: 'text in three chunks',
      sse: sse('text.sse'),
      expected: {
        text: 'The quick brown fox jumps over the lazy dog.',
        toolCalls: [],
        finishReason: { unified: 'stop', raw: 'STOP' },
        usage: { inputTokens: 9, outputTokens: 10 },
      },
    },
    {
      name: 'function calls',
      sse: sse('function-calls.sse'),
      expected: {
        text: 'Checking the weather and the time.',
        toolCalls: [
          { id: 'call_0', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          { id: 'call_1', name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'STOP' },
        usage: { inputTokens: 64, outputTokens: 27 },
      },
    },
    {
      name: 'signed function call',
      sse: sse('function-calls-signed.sse'),
      expected: {
        text: '',
        toolCalls: [{ id: 'call_0__thought__RWpRS01nSFI3WXB2M3ErOG1XY0IwWHova0w1dk4yc1E9PQ', name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' }],
        finishReason: { unified: 'tool-calls', raw: 'STOP' },
        usage: { inputTokens: 64, outputTokens: 56, reasoningTokens: 44 },
      },
    },
    {
      name: 'thinking',
      sse: sse('thinking.sse'),
      expected: {
        text: 'There are three r\'s in "strawberry".',
        toolCalls: [],
        finishReason: { unified: 'stop', raw: 'STOP' },
        usage: { inputTokens: 11, outputTokens: 97, reasoningTokens: 85 },
      },
    },
    {
      name: 'prompt blocked',
      sse: sse('prompt-blocked.sse'),
      expected: { text: '', toolCalls: [], finishReason: { unified: 'content-filter', raw: 'PROHIBITED_CONTENT' }, usage: { inputTokens: 20, outputTokens: 0 } },
    },
  ],
  wrongShapeBodies: [
    {},
    null,
    [{ candidates: [] }],
    { candidates: 'none' },
    { candidates: [{ content: { parts: [{ text: 42 }] }, finishReason: 'STOP' }] },
    { candidates: [{ content: { parts: [{ functionCall: { args: { city: 'Paris' } } }] } }] },
    { candidates: [], usageMetadata: { promptTokenCount: 'seven' } },
  ],
  errors: errorCases,
  embeddings: {
    requests: embeddingRequests,
    responses: [
      {
        name: 'two embeddings',
        body: json('embeddings.json'),
        // Without the request at hand, the adapter cannot estimate input tokens: Gemini reports none.
        expected: { embeddings: [[0.0132, -0.0087, 0.0451, -0.0214], [-0.0301, 0.0122, 0.0076, 0.0398]], usage: { inputTokens: 0, outputTokens: 0 } },
      },
    ],
  },
};
