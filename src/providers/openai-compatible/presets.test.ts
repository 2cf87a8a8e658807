import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CompatiblePreset } from '../../routing/catalog';
import type { ChatRequest } from '../../canonical/types';
import { runProviderAdapterSuite } from '../../../test/conformance/provider-adapter.suite';
import { createOpenAIFixtures, openaiTarget } from '../openai/__fixtures__/openai-fixtures';
import type { UpstreamTarget } from '../types';
import { createOpenAICompatibleAdapter, presetSettings } from './presets';

function targetFor(preset: CompatiblePreset, apiKey?: string): UpstreamTarget {
  return {
    provider: { ...openaiTarget.provider, id: preset, kind: 'openai-compatible', preset, baseUrl: presetSettings(preset).defaultBaseUrl ?? 'http://127.0.0.1:9000/v1', apiKey, headers: {} },
    deployment: { ...openaiTarget.deployment, id: `${preset}-llama`, provider: preset, model: 'meta-llama/Llama-3.1-8B-Instruct' },
  };
}

const vllmSnapshots = fileURLToPath(new URL('./__snapshots__/vllm', import.meta.url));
runProviderAdapterSuite('openai-compatible (vllm)', createOpenAICompatibleAdapter('vllm'), createOpenAIFixtures(targetFor('vllm'), vllmSnapshots));

const request: ChatRequest = {
  model: 'chat-local',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  maxTokens: 64,
  stream: true,
};

const presets: CompatiblePreset[] = ['vllm', 'ollama', 'llamacpp', 'openrouter', 'groq', 'together', 'generic'];

describe('openai-compatible presets', () => {
  it.each(presets)('%s sends max_tokens, never max_completion_tokens', (preset) => {
    const body = JSON.parse(createOpenAICompatibleAdapter(preset).chatRequest(request, targetFor(preset)).body);
    expect(body.max_tokens).toBe(64);
    expect(body).not.toHaveProperty('max_completion_tokens');
    expect(body.model).toBe('meta-llama/Llama-3.1-8B-Instruct');
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it.each(presets)('%s sends no authorization header without a key, and a bearer one with', (preset) => {
    const adapter = createOpenAICompatibleAdapter(preset);
    expect(adapter.chatRequest(request, targetFor(preset)).headers).not.toHaveProperty('authorization');
    expect(adapter.chatRequest(request, targetFor(preset, 'key-123')).headers.authorization).toBe('Bearer key-123');
  });

  it.each(presets)('%s names itself in error messages', (preset) => {
    const error = createOpenAICompatibleAdapter(preset).parseError(500, '{"error":{"message":"boom"}}', {});
    expect(error.message).toBe(`${presetSettings(preset).label} answered 500: boom`);
  });

  it.each([
    { preset: 'vllm' as const, url: 'http://127.0.0.1:8000/v1', key: false, embeddings: true },
    { preset: 'ollama' as const, url: 'http://127.0.0.1:11434/v1', key: false, embeddings: true },
    { preset: 'llamacpp' as const, url: 'http://127.0.0.1:8080/v1', key: false, embeddings: true },
    { preset: 'openrouter' as const, url: 'https://openrouter.ai/api/v1', key: true, embeddings: true },
    { preset: 'groq' as const, url: 'https://api.groq.com/openai/v1', key: true, embeddings: false },
    { preset: 'together' as const, url: 'https://api.together.xyz/v1', key: true, embeddings: true },
    { preset: 'generic' as const, url: undefined, key: false, embeddings: true },
  ])('$preset: base URL $url, key required $key, embeddings $embeddings', ({ preset, url, key, embeddings }) => {
    const settings = presetSettings(preset);
    expect(settings.defaultBaseUrl).toBe(url);
    expect(settings.requiresApiKey).toBe(key);
    expect(typeof createOpenAICompatibleAdapter(preset).embeddingRequest === 'function').toBe(embeddings);
  });

  it('reports the openai-compatible kind', () => {
    expect(createOpenAICompatibleAdapter('ollama').kind).toBe('openai-compatible');
  });
});
