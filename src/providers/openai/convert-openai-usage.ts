import type { Usage } from '../../canonical/types';
import type { OpenAIUsage } from './openai-api';

/** OpenAI usage → canonical usage; optional counts appear only when the upstream reported them. */
export function convertOpenAIUsage(usage: OpenAIUsage): Usage {
  const result: Usage = { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number') result.cachedInputTokens = cached;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') result.reasoningTokens = reasoning;
  return result;
}
