import { describe, expect, it } from 'vitest';
import type { OpenAIUsage } from './openai-api';
import { convertOpenAIUsage } from './convert-openai-usage';

describe('convertOpenAIUsage', () => {
  it.each<{ name: string; usage: OpenAIUsage; expected: object }>([
    { name: 'bare counts', usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 }, expected: { inputTokens: 10, outputTokens: 4 } },
    {
      name: 'cached and reasoning details',
      usage: { prompt_tokens: 2000, completion_tokens: 700, prompt_tokens_details: { cached_tokens: 1920 }, completion_tokens_details: { reasoning_tokens: 640 } },
      expected: { inputTokens: 2000, outputTokens: 700, cachedInputTokens: 1920, reasoningTokens: 640 },
    },
    {
      name: 'zero details are reported, not dropped',
      usage: { prompt_tokens: 5, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
      expected: { inputTokens: 5, outputTokens: 1, cachedInputTokens: 0, reasoningTokens: 0 },
    },
    {
      name: 'null details (compatible servers)',
      usage: { prompt_tokens: 5, completion_tokens: 1, prompt_tokens_details: null, completion_tokens_details: { reasoning_tokens: null } },
      expected: { inputTokens: 5, outputTokens: 1 },
    },
  ])('$name', ({ usage, expected }) => {
    const result = convertOpenAIUsage(usage);
    expect(result).toStrictEqual(expected);
  });
});
