import { describe, expect, it } from 'vitest';
import type { Usage } from '../../canonical/types';
import type { AnthropicUsage } from './anthropic-api';
import { convertAnthropicUsage } from './convert-anthropic-usage';

describe('convertAnthropicUsage', () => {
  it.each<{ name: string; wire: AnthropicUsage; expected: Usage }>([
    { name: 'no cache fields', wire: { input_tokens: 12, output_tokens: 5 }, expected: { inputTokens: 12, outputTokens: 5 } },
    {
      name: 'null cache fields are absent',
      wire: { input_tokens: 12, output_tokens: 5, cache_read_input_tokens: null, cache_creation_input_tokens: null },
      expected: { inputTokens: 12, outputTokens: 5 },
    },
    {
      name: 'cache read and write add to the prompt',
      wire: { input_tokens: 20, output_tokens: 7, cache_read_input_tokens: 1800, cache_creation_input_tokens: 300 },
      expected: { inputTokens: 2120, outputTokens: 7, cachedInputTokens: 1800, cacheWriteTokens: 300 },
    },
    {
      name: 'zero cache figures are kept',
      wire: { input_tokens: 9, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
      expected: { inputTokens: 9, outputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0 },
    },
    {
      name: 'only a cache write',
      wire: { input_tokens: 4, output_tokens: 2, cache_creation_input_tokens: 1024 },
      expected: { inputTokens: 1028, outputTokens: 2, cacheWriteTokens: 1024 },
    },
  ])('$name', ({ wire, expected }) => {
    expect(convertAnthropicUsage(wire)).toEqual(expected);
  });
});
