import { describe, expect, it } from 'vitest';
import type { ChatResponse, FinishReason } from '../../../canonical/types';
import { encodeAnthropicMessage, parseToolInput } from './encode-anthropic-message';

const response = (overrides: Partial<ChatResponse> = {}): ChatResponse => ({
  id: 'msg_01',
  model: 'upstream-model',
  created: 1_700_000_000,
  text: 'Hello!',
  toolCalls: [],
  finishReason: { unified: 'stop', raw: 'end_turn' },
  usage: { inputTokens: 100, outputTokens: 12, cachedInputTokens: 60, cacheWriteTokens: 30 },
  ...overrides,
});
const weatherCall = { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Oslo"}' };

describe('encodeAnthropicMessage', () => {
  it('encodes a text answer with Anthropic usage semantics', () => {
    expect(encodeAnthropicMessage(response(), 'claude-route')).toEqual({
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model: 'claude-route',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      // 100 prompt tokens of which 60 read from cache and 30 written to it.
      usage: { input_tokens: 10, output_tokens: 12, cache_read_input_tokens: 60, cache_creation_input_tokens: 30 },
    });
  });

  it('prefixes ids that are not Anthropic message ids', () => {
    expect(encodeAnthropicMessage(response({ id: 'chatcmpl-9' }), 'm').id).toBe('msg_chatcmpl-9');
  });

  it('omits an empty text block when there are tool calls, and parses their input', () => {
    const encoded = encodeAnthropicMessage(response({ text: '', toolCalls: [weatherCall], finishReason: { unified: 'tool-calls', raw: 'tool_calls' } }), 'm');
    expect(encoded.content).toEqual([{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }]);
    expect(encoded.stop_reason).toBe('tool_use');
  });

  it('keeps text before tool calls, and an empty text block when there is nothing else', () => {
    expect(encodeAnthropicMessage(response({ text: 'Checking.', toolCalls: [weatherCall] }), 'm').content.map((block) => block.type)).toEqual(['text', 'tool_use']);
    expect(encodeAnthropicMessage(response({ text: '' }), 'm').content).toEqual([{ type: 'text', text: '' }]);
  });

  it.each<[FinishReason, boolean, string]>([
    [{ unified: 'stop', raw: 'end_turn' }, false, 'end_turn'],
    [{ unified: 'stop', raw: 'stop_sequence' }, false, 'stop_sequence'],
    [{ unified: 'stop', raw: 'stop' }, true, 'tool_use'],
    [{ unified: 'length', raw: 'length' }, false, 'max_tokens'],
    [{ unified: 'tool-calls', raw: 'tool_calls' }, true, 'tool_use'],
    [{ unified: 'content-filter', raw: 'content_filter' }, false, 'refusal'],
    [{ unified: 'other', raw: 'weird' }, false, 'weird'],
    [{ unified: 'other', raw: 'pause_turn' }, false, 'pause_turn'],
    [{ unified: 'error', raw: undefined }, false, 'error'],
  ])('finish %j (tool calls: %s) → %s', (finishReason, withTools, expected) => {
    expect(encodeAnthropicMessage(response({ finishReason, toolCalls: withTools ? [weatherCall] : [] }), 'm').stop_reason).toBe(expected);
  });

  it('never reports negative input tokens', () => {
    expect(encodeAnthropicMessage(response({ usage: { inputTokens: 5, outputTokens: 1, cachedInputTokens: 9 } }), 'm').usage.input_tokens).toBe(0);
  });
});

describe('parseToolInput', () => {
  it.each<[string, Record<string, unknown>]>([
    ['{"a":1,"b":[true]}', { a: 1, b: [true] }],
    ['{}', {}],
    ['', {}],
    ['{"a":', {}],
    ['[1,2]', {}],
    ['"text"', {}],
    ['null', {}],
  ])('%j → %j', (text, expected) => {
    expect(parseToolInput(text)).toEqual(expected);
  });
});
