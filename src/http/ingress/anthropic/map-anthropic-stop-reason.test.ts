import { describe, expect, it } from 'vitest';
import type { FinishReason } from '../../../canonical/types';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason';

describe('mapAnthropicStopReason', () => {
  it.each<[FinishReason, boolean, string]>([
    [{ unified: 'stop', raw: 'end_turn' }, false, 'end_turn'],
    [{ unified: 'stop', raw: 'stop' }, false, 'end_turn'],
    [{ unified: 'stop', raw: 'stop_sequence' }, false, 'stop_sequence'],
    [{ unified: 'stop', raw: 'STOP' }, true, 'tool_use'],
    [{ unified: 'length', raw: 'length' }, false, 'max_tokens'],
    [{ unified: 'length', raw: 'model_context_window_exceeded' }, false, 'model_context_window_exceeded'],
    [{ unified: 'tool-calls', raw: 'tool_calls' }, true, 'tool_use'],
    [{ unified: 'content-filter', raw: 'content_filter' }, false, 'refusal'],
  ])('%j (tool calls: %s) → %s', (finishReason, hasToolCalls, expected) => {
    expect(mapAnthropicStopReason(finishReason, hasToolCalls)).toBe(expected);
  });

  // Never `end_turn` ("a natural stopping point") for a finish that was something else.
  it.each<[FinishReason, boolean, string]>([
    [{ unified: 'other', raw: 'pause_turn' }, false, 'pause_turn'],
    [{ unified: 'other', raw: 'pause_turn' }, true, 'pause_turn'],
    [{ unified: 'other', raw: 'OTHER' }, false, 'OTHER'],
    [{ unified: 'error', raw: 'MALFORMED_FUNCTION_CALL' }, false, 'MALFORMED_FUNCTION_CALL'],
    [{ unified: 'other', raw: undefined }, false, 'other'],
  ])('a finish Anthropic has no word for, %j (tool calls: %s), goes out as the upstream said it: %s', (finishReason, hasToolCalls, expected) => {
    expect(mapAnthropicStopReason(finishReason, hasToolCalls)).toBe(expected);
  });
});
