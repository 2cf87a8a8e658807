import type { Usage } from '../../canonical/types';
import type { GeminiUsageMetadata } from './gemini-api';

/**
 * Gemini `usageMetadata` → canonical usage. `promptTokenCount` already includes the cached
 * part (`cachedContentTokenCount`). Thinking tokens are counted apart from
 * `candidatesTokenCount` but billed as output, so they are added to `outputTokens` and also
 * reported as `reasoningTokens`. Missing counts are zero; optional fields appear only when
 * Gemini sent them.
 */
export function convertGeminiUsage(usage: GeminiUsageMetadata | undefined): Usage {
  const thoughts = usage?.thoughtsTokenCount;
  const cached = usage?.cachedContentTokenCount;
  return {
    inputTokens: usage?.promptTokenCount ?? 0,
    outputTokens: (usage?.candidatesTokenCount ?? 0) + (thoughts ?? 0),
    ...(cached === undefined ? {} : { cachedInputTokens: cached }),
    ...(thoughts === undefined ? {} : { reasoningTokens: thoughts }),
  };
}
