import { describe, expect, it } from 'vitest';
import type { Usage } from '../../canonical/types';
import { convertGeminiUsage } from './convert-gemini-usage';
import type { GeminiUsageMetadata } from './gemini-api';

describe('convertGeminiUsage', () => {
  it.each<[string, GeminiUsageMetadata | undefined, Usage]>([
    ['absent', undefined, { inputTokens: 0, outputTokens: 0 }],
    ['prompt only (blocked prompt)', { promptTokenCount: 12, totalTokenCount: 12 }, { inputTokens: 12, outputTokens: 0 }],
    ['plain', { promptTokenCount: 7, candidatesTokenCount: 9, totalTokenCount: 16 }, { inputTokens: 7, outputTokens: 9 }],
    [
      'thoughts are output and reasoning',
      { promptTokenCount: 11, candidatesTokenCount: 12, thoughtsTokenCount: 85 },
      { inputTokens: 11, outputTokens: 97, reasoningTokens: 85 },
    ],
    [
      'cached tokens are part of the prompt count',
      { promptTokenCount: 4120, cachedContentTokenCount: 4096, candidatesTokenCount: 8 },
      { inputTokens: 4120, outputTokens: 8, cachedInputTokens: 4096 },
    ],
    ['zero thoughts still reported', { promptTokenCount: 1, candidatesTokenCount: 1, thoughtsTokenCount: 0 }, { inputTokens: 1, outputTokens: 1, reasoningTokens: 0 }],
  ])('%s', (_name, usage, expected) => {
    const converted = convertGeminiUsage(usage);
    expect(converted).toEqual(expected);
    // toEqual ignores undefined keys; the canonical usage should not carry them at all.
    expect(Object.keys(converted).sort()).toEqual(Object.keys(expected).sort());
  });
});
