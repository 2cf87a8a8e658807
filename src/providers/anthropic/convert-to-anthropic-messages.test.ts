import { describe, expect, it } from 'vitest';
import { isJunctionError } from '../../errors';
import type { Message } from '../../canonical/types';
import type { AnthropicPrompt } from './convert-to-anthropic-messages';
import { withThoughtSignature } from '../tool-call-id';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages';

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });

describe('convertToAnthropicMessages', () => {
  it.each<{ name: string; messages: Message[]; expected: AnthropicPrompt }>([
    {
      name: 'no system message leaves system undefined',
      messages: [user('hi')],
      expected: { system: undefined, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
    },
    {
      name: 'system messages anywhere are joined with blank lines',
      messages: [{ role: 'system', content: 'Be brief.' }, user('hi'), { role: 'system', content: 'Use French.' }],
      expected: { system: 'Be brief.\n\nUse French.', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
    },
    {
      name: 'images by url and base64',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQ' } },
          ],
        },
      ],
      expected: {
        system: undefined,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
              { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
            ],
          },
        ],
      },
    },
    {
      name: 'assistant text and tool calls; empty text and empty arguments',
      messages: [
        {
          role: 'assistant',
          content: [{ type: 'text', text: '' }, { type: 'text', text: 'Checking.' }],
          toolCalls: [
            { id: 'toolu_a', name: 'now', arguments: '' },
            { id: 'toolu_b', name: 'get_weather', arguments: '{"city":"Oslo"}' },
          ],
        },
      ],
      expected: {
        system: undefined,
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Checking.' },
              { type: 'tool_use', id: 'toolu_a', name: 'now', input: {} },
              { type: 'tool_use', id: 'toolu_b', name: 'get_weather', input: { city: 'Oslo' } },
            ],
          },
        ],
      },
    },
    {
      name: 'parallel tool results and the next user words share one user turn',
      messages: [
        { role: 'tool', toolCallId: 'toolu_a', content: '12:00' },
        { role: 'tool', toolCallId: 'toolu_b', content: 'no such city', isError: true },
        { role: 'tool', toolCallId: 'toolu_c', content: 'ok', isError: false },
        user('thanks'),
      ],
      expected: {
        system: undefined,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_a', content: '12:00' },
              { type: 'tool_result', tool_use_id: 'toolu_b', content: 'no such city', is_error: true },
              { type: 'tool_result', tool_use_id: 'toolu_c', content: 'ok', is_error: false },
              { type: 'text', text: 'thanks' },
            ],
          },
        ],
      },
    },
    {
      name: 'alternating turns stay separate',
      messages: [user('a'), { role: 'assistant', content: [{ type: 'text', text: 'b' }] }, user('c')],
      expected: {
        system: undefined,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'a' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'b' }] },
          { role: 'user', content: [{ type: 'text', text: 'c' }] },
        ],
      },
    },
  ])('$name', ({ messages, expected }) => {
    expect(convertToAnthropicMessages(messages)).toEqual(expected);
  });

  it("sends a Gemini call's bare id, without the thought signature it carries", () => {
    const id = withThoughtSignature('call_0', 'CtwCAdHtim9u0a/Zr+2qxk3p7hVn8Jq1F6bYx+Lw0b2rTz3V9k==');
    const { messages } = convertToAnthropicMessages([
      user('weather?'),
      { role: 'assistant', content: [], toolCalls: [{ id, name: 'get_weather', arguments: '{}' }] },
      { role: 'tool', toolCallId: id, content: '21' },
    ]);
    expect(messages[1].content).toEqual([{ type: 'tool_use', id: 'call_0', name: 'get_weather', input: {} }]);
    expect(messages[2].content).toEqual([{ type: 'tool_result', tool_use_id: 'call_0', content: '21' }]);
  });

  it('does not mutate its input when merging turns', () => {
    const messages: Message[] = [user('a'), user('b')];
    const copy = structuredClone(messages);
    convertToAnthropicMessages(messages);
    expect(messages).toEqual(copy);
  });

  it.each([
    { name: 'invalid JSON', args: '{"city": Oslo}' },
    { name: 'a JSON array', args: '["Oslo"]' },
    { name: 'a JSON string', args: '"Oslo"' },
  ])('arguments that are $name are invalid_request naming the field', ({ args }) => {
    const messages: Message[] = [
      user('weather?'),
      { role: 'assistant', content: [], toolCalls: [{ id: 'toolu_ok', name: 'x', arguments: '{}' }, { id: 'toolu_bad', name: 'get_weather', arguments: args }] },
    ];
    let thrown: unknown;
    try {
      convertToAnthropicMessages(messages);
    } catch (error) {
      thrown = error;
    }
    expect(isJunctionError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'invalid_request', param: 'messages[1].toolCalls[1].arguments' });
    expect((thrown as Error).message).toContain('toolu_bad');
  });
});

describe('final assistant prefill', () => {
  it.each([
    ['trailing spaces and newlines are trimmed', 'Once upon a time \n', [{ type: 'text', text: 'Once upon a time' }]],
    ['a whitespace-only prefill is dropped with its turn', '  \n', undefined],
  ])('%s', (_name, text, expected) => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: [{ type: 'text', text: 'Tell me a story' }] },
      { role: 'assistant', content: [{ type: 'text', text }] },
    ]);
    if (expected === undefined) expect(messages).toHaveLength(1);
    else expect(messages[1]).toEqual({ role: 'assistant', content: expected });
  });

  it('leaves an earlier assistant turn untouched', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: [{ type: 'text', text: 'a' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'b ' }] },
      { role: 'user', content: [{ type: 'text', text: 'c' }] },
    ]);
    expect(messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'b ' }] });
  });
});
