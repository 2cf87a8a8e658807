import { describe, expect, it } from 'vitest';
import { mapOpenAIFinishReason } from './map-openai-finish-reason';

describe('mapOpenAIFinishReason', () => {
  it.each([
    { raw: 'stop', unified: 'stop' },
    { raw: 'length', unified: 'length' },
    { raw: 'tool_calls', unified: 'tool-calls' },
    { raw: 'function_call', unified: 'tool-calls' },
    { raw: 'content_filter', unified: 'content-filter' },
    { raw: 'eos', unified: 'other' },
    { raw: 'toString', unified: 'other' },
  ])('$raw → $unified, keeping the raw word', ({ raw, unified }) => {
    expect(mapOpenAIFinishReason(raw)).toEqual({ unified, raw });
  });

  it.each([null, undefined])('%s → other with no raw word', (raw) => {
    expect(mapOpenAIFinishReason(raw)).toEqual({ unified: 'other', raw: undefined });
  });
});
