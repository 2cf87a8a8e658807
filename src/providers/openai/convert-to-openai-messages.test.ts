import { describe, expect, it } from 'vitest';
import type { Message } from '../../canonical/types';
import { withThoughtSignature } from '../tool-call-id';
import { convertToOpenAIMessages } from './convert-to-openai-messages';

const call = { id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' };
const wireCall = { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } };

describe('convertToOpenAIMessages', () => {
  it.each<{ name: string; message: Message; expected: unknown }>([
    { name: 'system', message: { role: 'system', content: 'Be brief.' }, expected: { role: 'system', content: 'Be brief.' } },
    { name: 'user, one text part → string', message: { role: 'user', content: [{ type: 'text', text: 'Hi' }] }, expected: { role: 'user', content: 'Hi' } },
    {
      name: 'user, two text parts → array',
      message: { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      expected: { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
    },
    {
      name: 'user, image url',
      message: { role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } }] },
      expected: { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
    },
    {
      name: 'user, base64 image → data URL',
      message: { role: 'user', content: [{ type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: 'AAAA' } }] },
      expected: { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } }] },
    },
    { name: 'user, no parts', message: { role: 'user', content: [] }, expected: { role: 'user', content: '' } },
    {
      name: 'assistant, text parts joined',
      message: { role: 'assistant', content: [{ type: 'text', text: 'Hel' }, { type: 'text', text: 'lo' }] },
      expected: { role: 'assistant', content: 'Hello' },
    },
    {
      name: 'assistant, tool calls and no text → content null',
      message: { role: 'assistant', content: [], toolCalls: [call] },
      expected: { role: 'assistant', content: null, tool_calls: [wireCall] },
    },
    {
      name: 'assistant, text and tool calls',
      message: { role: 'assistant', content: [{ type: 'text', text: 'Looking.' }], toolCalls: [call] },
      expected: { role: 'assistant', content: 'Looking.', tool_calls: [wireCall] },
    },
    {
      name: 'assistant, empty tool call list is no tool calls',
      message: { role: 'assistant', content: [], toolCalls: [] },
      expected: { role: 'assistant', content: '' },
    },
    {
      name: 'tool result (error flag has no wire form)',
      message: { role: 'tool', toolCallId: 'call_1', content: 'failed', isError: true },
      expected: { role: 'tool', tool_call_id: 'call_1', content: 'failed' },
    },
  ])('$name', ({ message, expected }) => {
    expect(convertToOpenAIMessages([message])).toEqual([expected]);
  });

  it('keeps the order of messages', () => {
    const roles = convertToOpenAIMessages([
      { role: 'system', content: 's' },
      { role: 'user', content: [{ type: 'text', text: 'u' }] },
      { role: 'assistant', content: [], toolCalls: [call] },
      { role: 'tool', toolCallId: 'call_1', content: 'r' },
    ]).map((message) => message.role);
    expect(roles).toEqual(['system', 'user', 'assistant', 'tool']);
  });

  it("sends a Gemini call's bare id, without the thought signature it carries (OpenAI caps ids at 40 characters)", () => {
    const id = withThoughtSignature('call_0', 'CtwCAdHtim9u0a/Zr+2qxk3p7hVn8Jq1F6bYx+Lw0b2rTz3V9k==');
    const [assistant, tool] = convertToOpenAIMessages([
      { role: 'assistant', content: [], toolCalls: [{ id, name: 'get_weather', arguments: '{}' }] },
      { role: 'tool', toolCallId: id, content: '21' },
    ]);
    expect(assistant).toMatchObject({ tool_calls: [{ id: 'call_0' }] });
    expect(tool).toMatchObject({ tool_call_id: 'call_0' });
  });
});
