/**
 * OpenAI-compatible servers as settings over the one OpenAI adapter (CONVENTIONS rule 4).
 * Only what honestly differs between them is here, as data.
 */
import type { CompatiblePreset } from '../../routing/catalog';
import { createOpenAIAdapter, type MaxTokensField } from '../openai';
import type { ProviderAdapter } from '../types';

/** What Junction needs to know about one kind of OpenAI-compatible server. */
export interface PresetSettings {
  /** Names the server in error messages. */
  label: string;
  /** Base URL (with the `/v1`-style prefix) when the config gives none; `generic` has no default. */
  defaultBaseUrl?: string;
  /** Whether the server refuses requests without an API key, so config validation can demand one. */
  requiresApiKey: boolean;
  /** Field for the output-token limit; these servers know `max_tokens`. */
  maxTokensField: MaxTokensField;
  /** Whether the server has `POST /embeddings`. */
  embeddings: boolean;
}

const PRESETS: Readonly<Record<CompatiblePreset, Readonly<PresetSettings>>> = {
  vllm: { label: 'vLLM', defaultBaseUrl: 'http://127.0.0.1:8000/v1', requiresApiKey: false, maxTokensField: 'max_tokens', embeddings: true },
  ollama: { label: 'Ollama', defaultBaseUrl: 'http://127.0.0.1:11434/v1', requiresApiKey: false, maxTokensField: 'max_tokens', embeddings: true },
  // Embeddings need the server started with --embeddings; the endpoint itself always exists.
  llamacpp: { label: 'llama.cpp', defaultBaseUrl: 'http://127.0.0.1:8080/v1', requiresApiKey: false, maxTokensField: 'max_tokens', embeddings: true },
  openrouter: { label: 'OpenRouter', defaultBaseUrl: 'https://openrouter.ai/api/v1', requiresApiKey: true, maxTokensField: 'max_tokens', embeddings: true },
  groq: { label: 'Groq', defaultBaseUrl: 'https://api.groq.com/openai/v1', requiresApiKey: true, maxTokensField: 'max_tokens', embeddings: false },
  together: { label: 'Together AI', defaultBaseUrl: 'https://api.together.xyz/v1', requiresApiKey: true, maxTokensField: 'max_tokens', embeddings: true },
  generic: { label: 'OpenAI-compatible server', requiresApiKey: false, maxTokensField: 'max_tokens', embeddings: true },
};

/** The settings of one preset. */
export function presetSettings(preset: CompatiblePreset): Readonly<PresetSettings> {
  return PRESETS[preset];
}

/** The OpenAI adapter configured for one kind of compatible server. */
export function createOpenAICompatibleAdapter(preset: CompatiblePreset): ProviderAdapter {
  const { label, maxTokensField, embeddings } = presetSettings(preset);
  return createOpenAIAdapter({ kind: 'openai-compatible', label, maxTokensField, embeddings });
}
