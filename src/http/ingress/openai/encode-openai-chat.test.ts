import { describe, expect, it } from 'vitest';
import type { ChatResponse, FinishReasonUnified } from '../../../canonical/types';
import { encodeOpenAIChat } from './encode-openai-chat';

const response = (overrides: Partial<ChatResponse> = {}): ChatResponse => ({
  id: 'chatcmpl-123',
  model: 'gpt-4o-mini-2024-07-18',
  created: 1_700_000_000,
  text: 'Hello!',
  toolCalls: [],
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: { inputTokens: 12, outputTokens: 3 },
  ...overrides,
});
const weatherCall = { id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' };

describe('encodeOpenAIChat', () => {
  it('encodes a text answer under the public model name', () => {
    expect(encodeOpenAIChat(response(), 'chat-fast')).toEqual({
      id: 'chatcmpl-123',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'chat-fast',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hello!', refusal: null }, finish_reason: 'stop', logprobs: null },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 3,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
  });

  it('sends null content and the tool calls for a tool-only turn', () => {
    const encoded = encodeOpenAIChat(response({ text: '', toolCalls: [weatherCall], finishReason: { unified: 'tool-calls', raw: 'tool_use' } }), 'm');
    expect(encoded.choices[0].message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
    });
    expect(encoded.choices[0].finish_reason).toBe('tool_calls');
  });

  it("keeps '' content when there are no tool calls", () => {
    expect(encodeOpenAIChat(response({ text: '' }), 'm').choices[0].message.content).toBe('');
  });

  it.each<[FinishReasonUnified, boolean, string]>([
    ['stop', false, 'stop'],
    ['stop', true, 'tool_calls'],
    ['length', false, 'length'],
    ['length', true, 'length'],
    ['tool-calls', true, 'tool_calls'],
    ['content-filter', false, 'content_filter'],
    ['other', false, 'other'],
    ['error', false, 'error'],
  ])('finish %s (tool calls: %s) → %s', (unified, withTools, expected) => {
    const encoded = encodeOpenAIChat(response({ finishReason: { unified, raw: undefined }, toolCalls: withTools ? [weatherCall] : [] }), 'm');
    expect(encoded.choices[0].finish_reason).toBe(expected);
  });

  it('reports cached and reasoning tokens in the details', () => {
    const encoded = encodeOpenAIChat(
      response({ usage: { inputTokens: 100, outputTokens: 40, cachedInputTokens: 64, reasoningTokens: 30 } }),
      'm',
    );
    expect(encoded.usage).toEqual({
      prompt_tokens: 100,
      completion_tokens: 40,
      total_tokens: 140,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 30 },
    });
  });
});
