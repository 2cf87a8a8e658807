import { describe, expect, it } from 'vitest';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason';

describe('mapAnthropicStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool-calls'],
    ['refusal', 'content-filter'],
    ['pause_turn', 'other'],
    ['model_context_window_exceeded', 'length'],
    ['something_new', 'other'],
    ['toString', 'other'],
  ] as const)('%s → %s, raw kept', (raw, unified) => {
    expect(mapAnthropicStopReason(raw)).toEqual({ unified, raw });
  });

  it.each([null, undefined])('%s → other with no raw value', (raw) => {
    expect(mapAnthropicStopReason(raw)).toEqual({ unified: 'other', raw: undefined });
  });
});
