/** Picks the adapter for a provider kind; adapters are stateless, so one instance serves all. */
import type { Provider } from '../routing/catalog';
import { anthropicAdapter } from './anthropic/anthropic-adapter';
import { geminiAdapter } from './gemini/gemini-adapter';
import { createOpenAICompatibleAdapter } from './openai-compatible';
import { openaiAdapter } from './openai/openai-adapter';
import type { ProviderAdapter } from './types';

const compatible = new Map<string, ProviderAdapter>();

export function adapterFor(provider: Provider): ProviderAdapter {
  switch (provider.kind) {
    case 'openai':
      return openaiAdapter;
    case 'anthropic':
      return anthropicAdapter;
    case 'gemini':
      return geminiAdapter;
    case 'openai-compatible': {
      const preset = provider.preset ?? 'generic';
      let adapter = compatible.get(preset);
      if (adapter === undefined) {
        adapter = createOpenAICompatibleAdapter(preset);
        compatible.set(preset, adapter);
      }
      return adapter;
    }
  }
}

export type { ProviderAdapter, UpstreamRequest, UpstreamTarget, StreamDecoder, SseMessage } from './types';
