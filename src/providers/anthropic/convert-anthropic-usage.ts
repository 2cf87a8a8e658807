import type { Usage } from '../../canonical/types';
import type { AnthropicUsage } from './anthropic-api';

/**
 * Anthropic usage → canonical usage. Anthropic's `input_tokens` counts only the prompt after
 * the last cache breakpoint, so the whole prompt is the sum of it, the tokens read from the
 * cache and the tokens written to it. The cache figures are kept whenever the wire carries
 * them (0 included: "caching was in play and missed" differs from "no caching").
 */
export function convertAnthropicUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? undefined;
  const cacheWrite = usage.cache_creation_input_tokens ?? undefined;
  const converted: Usage = {
    inputTokens: usage.input_tokens + (cacheRead ?? 0) + (cacheWrite ?? 0),
    outputTokens: usage.output_tokens,
  };
  if (cacheRead !== undefined) converted.cachedInputTokens = cacheRead;
  if (cacheWrite !== undefined) converted.cacheWriteTokens = cacheWrite;
  return converted;
}
