import type { Usage } from '../../../canonical/types';

/** Anthropic's usage counters, as in a message and in the final `message_delta`. */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/**
 * Canonical usage → Anthropic's. Canonically the prompt total includes cached tokens; Anthropic
 * counts cache reads and cache writes apart from `input_tokens`, so they are taken out of it.
 */
export function convertAnthropicUsage(usage: Usage): AnthropicUsage {
  const cacheRead = usage.cachedInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
    output_tokens: usage.outputTokens,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheWrite,
  };
}
