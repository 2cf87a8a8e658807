import { describe, expect, it } from 'vitest';
import type { FinishReason } from '../../../canonical/types';
import { mapOpenAIFinishReason } from './map-openai-finish-reason';

describe('mapOpenAIFinishReason', () => {
  it.each<[FinishReason, boolean, string]>([
    [{ unified: 'stop', raw: 'stop' }, false, 'stop'],
    [{ unified: 'stop', raw: 'end_turn' }, false, 'stop'],
    [{ unified: 'stop', raw: 'STOP' }, true, 'tool_calls'],
    [{ unified: 'length', raw: 'max_tokens' }, false, 'length'],
    [{ unified: 'length', raw: 'model_context_window_exceeded' }, false, 'length'],
    [{ unified: 'tool-calls', raw: 'tool_use' }, true, 'tool_calls'],
    [{ unified: 'content-filter', raw: 'SAFETY' }, false, 'content_filter'],
    [{ unified: 'stop', raw: 'static' }, false, 'stop'],
  ])('%j (tool calls: %s) → %s', (finishReason, hasToolCalls, expected) => {
    expect(mapOpenAIFinishReason(finishReason, hasToolCalls)).toBe(expected);
  });

  // OpenAI has no word for these: a natural `stop` would be a finish the upstream never gave.
  it.each<[FinishReason, boolean, string]>([
    [{ unified: 'other', raw: 'pause_turn' }, false, 'pause_turn'],
    [{ unified: 'other', raw: 'LANGUAGE' }, false, 'LANGUAGE'],
    [{ unified: 'other', raw: 'abort' }, true, 'abort'],
    [{ unified: 'error', raw: 'MALFORMED_FUNCTION_CALL' }, false, 'MALFORMED_FUNCTION_CALL'],
    [{ unified: 'other', raw: undefined }, false, 'other'],
    [{ unified: 'error', raw: undefined }, false, 'error'],
  ])('a finish OpenAI has no word for, %j (tool calls: %s), goes out as the upstream said it: %s', (finishReason, hasToolCalls, expected) => {
    expect(mapOpenAIFinishReason(finishReason, hasToolCalls)).toBe(expected);
  });
});
