import { describe, expect, it } from 'vitest';
import type { FinishReasonUnified } from '../../canonical/types';
import { mapGeminiBlockReason, mapGeminiFinishReason } from './map-gemini-finish-reason';

describe('mapGeminiFinishReason', () => {
  it.each<[string | undefined, boolean, FinishReasonUnified]>([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool-calls'],
    ['MAX_TOKENS', false, 'length'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content-filter'],
    ['RECITATION', false, 'content-filter'],
    ['BLOCKLIST', false, 'content-filter'],
    ['PROHIBITED_CONTENT', false, 'content-filter'],
    ['SPII', false, 'content-filter'],
    ['IMAGE_SAFETY', false, 'content-filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'error'],
    ['LANGUAGE', false, 'other'],
    ['OTHER', false, 'other'],
    ['FINISH_REASON_UNSPECIFIED', false, 'other'],
    ['SOMETHING_NEW', true, 'other'],
    ['constructor', false, 'other'],
    [undefined, false, 'other'],
  ])('%s (tool calls: %s) → %s, raw kept', (raw, hasToolCalls, unified) => {
    expect(mapGeminiFinishReason(raw, hasToolCalls)).toEqual({ unified, raw });
  });
});

describe('mapGeminiBlockReason', () => {
  it.each(['SAFETY', 'OTHER', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'IMAGE_SAFETY'])('%s → content-filter, raw kept', (raw) => {
    expect(mapGeminiBlockReason(raw)).toEqual({ unified: 'content-filter', raw });
  });
});
