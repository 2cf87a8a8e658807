import { describe, expect, it } from 'vitest';
import { JunctionError } from '../../../errors';
import type { ChatRequest } from '../../../canonical/types';
import { decodeAnthropicMessages } from './decode-anthropic-messages';

const user = (content: unknown) => ({ role: 'user', content });
const assistant = (content: unknown) => ({ role: 'assistant', content });
const base = { model: 'claude-route', max_tokens: 256, messages: [user('hi')] };
const withFields = (fields: Record<string, unknown>) => ({ ...base, ...fields });
const withMessages = (...messages: unknown[]) => ({ ...base, messages });
const weatherTool = { name: 'get_weather', description: 'Weather by city', input_schema: { type: 'object' } };

function decodeError(body: unknown): JunctionError {
  try {
    decodeAnthropicMessages(body);
  } catch (error) {
    if (error instanceof JunctionError) return error;
    throw error;
  }
  throw new Error('expected decodeAnthropicMessages to throw');
}

describe('decodeAnthropicMessages rejects malformed bodies', () => {
  it.each<[string, unknown, string | undefined, string]>([
    ['null body', null, undefined, 'expected an object, got null'],
    ['array body', [base], undefined, 'expected an object, got an array'],
    ['number body', 42, undefined, 'expected an object, got 42'],
    ['missing model', { max_tokens: 10, messages: base.messages }, 'model', 'required'],
    ['missing max_tokens', { model: 'm', messages: base.messages }, 'max_tokens', 'required'],
    ['negative max_tokens', withFields({ max_tokens: -5 }), 'max_tokens', 'must be at least 1, got -5'],
    ['zero max_tokens', withFields({ max_tokens: 0 }), 'max_tokens', 'must be at least 1, got 0'],
    ['fractional max_tokens', withFields({ max_tokens: 1.5 }), 'max_tokens', 'expected an integer, got 1.5'],
    ['string max_tokens', withFields({ max_tokens: '100' }), 'max_tokens', 'expected a number, got a string'],
    ['missing messages', { model: 'm', max_tokens: 10 }, 'messages', 'required'],
    ['empty messages', withMessages(), 'messages', 'must not be empty'],
    ['messages as object', withFields({ messages: { role: 'user' } }), 'messages', 'expected an array'],
    ['unknown role', withMessages({ role: 'tool', content: 'x' }), 'messages[0].role', "'tool' is not supported (expected 'user', 'assistant' or 'system')"],
    ['numeric content', withMessages(user('a'), assistant(7)), 'messages[1].content', 'expected a string or an array of content blocks, got 7'],
    ['block without type', withMessages(user([{ text: 'x' }])), 'messages[0].content[0].type', 'required'],
    ['text block with numeric text', withMessages(user([{ type: 'text', text: 1 }])), 'messages[0].content[0].text', 'expected a string, got 1'],
    ['document block', withMessages(user([{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }])), 'messages[0].content[0].type', "'document' is not supported"],
    ['tool_use in a user message', withMessages(user([{ type: 'tool_use', id: 't', name: 'f', input: {} }])), 'messages[0].content[0].type', "'tool_use' blocks are not allowed in user messages"],
    ['tool_result in an assistant message', withMessages(user('q'), assistant([{ type: 'tool_result', tool_use_id: 't' }])), 'messages[1].content[0].type', "'tool_result' blocks are not allowed in assistant messages"],
    ['image with a file source', withMessages(user([{ type: 'image', source: { type: 'file', file_id: 'file_1' } }])), 'messages[0].content[0].source.type', "'file' is not supported (expected 'base64' or 'url')"],
    ['image with an unsupported media type', withMessages(user([{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'AA==' } }])), 'messages[0].content[0].source.media_type', "expected 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"],
    ['tool_use with string input', withMessages(user('q'), assistant([{ type: 'tool_use', id: 't1', name: 'f', input: '{}' }])), 'messages[1].content[0].input', 'expected an object, got a string'],
    ['tool_result without tool_use_id', withMessages(user([{ type: 'tool_result', content: 'ok' }])), 'messages[0].content[0].tool_use_id', 'required'],
    ['tool_result with an image', withMessages(user([{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'image', source: { type: 'url', url: 'https://x' } }] }])), 'messages[0].content[0].content[0].type', "'image' is not supported (expected 'text')"],
    ['tool_result with numeric is_error', withMessages(user([{ type: 'tool_result', tool_use_id: 't', is_error: 1 }])), 'messages[0].content[0].is_error', 'expected a boolean'],
    ['system as number', withFields({ system: 1 }), 'system', 'expected a string or an array of text blocks, got 1'],
    ['system block of another type', withFields({ system: [{ type: 'image', source: {} }] }), 'system[0].type', "'image' is not supported"],
    ['server tool', withFields({ tools: [{ type: 'web_search_20250305', name: 'web_search' }] }), 'tools[0].type', "server tool 'web_search_20250305' is not supported"],
    ['tool without input_schema', withFields({ tools: [{ name: 'f' }] }), 'tools[0].input_schema', 'required'],
    ['tool without name', withFields({ tools: [{ input_schema: { type: 'object' } }] }), 'tools[0].name', 'required'],
    ['unknown tool_choice type', withFields({ tools: [weatherTool], tool_choice: { type: 'required' } }), 'tool_choice.type', "'required' is not supported"],
    ['tool_choice as string', withFields({ tools: [weatherTool], tool_choice: 'auto' }), 'tool_choice', 'expected an object, got a string'],
    ['tool_choice tool without name', withFields({ tools: [weatherTool], tool_choice: { type: 'tool' } }), 'tool_choice.name', 'required'],
    ['tool_choice for a missing tool', withFields({ tools: [weatherTool], tool_choice: { type: 'tool', name: 'nope' } }), 'tool_choice.name', "no tool named 'nope'"],
    ['temperature above 1', withFields({ temperature: 1.5 }), 'temperature', 'must be at most 1, got 1.5'],
    ['negative top_p', withFields({ top_p: -0.2 }), 'top_p', 'must be at least 0'],
    ['fractional top_k', withFields({ top_k: 2.5 }), 'top_k', 'expected an integer'],
    ['stop_sequences as string', withFields({ stop_sequences: 'END' }), 'stop_sequences', 'expected an array, got a string'],
    ['stream as number', withFields({ stream: 1 }), 'stream', 'expected a boolean, got 1'],
    ['metadata user_id as number', withFields({ metadata: { user_id: 5 } }), 'metadata.user_id', 'expected a string, got 5'],
  ])('%s', (_name, body, param, message) => {
    const error = decodeError(body);
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message.startsWith(`${param ?? 'request body'}: `)).toBe(true);
    expect(error.message).toContain(message);
  });
});

describe('decodeAnthropicMessages converts valid bodies', () => {
  it.each<[string, unknown, Partial<ChatRequest>]>([
    [
      'minimal',
      base,
      { model: 'claude-route', maxTokens: 256, stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
    ],
    [
      'system string and system blocks become the first message',
      withFields({ system: [{ type: 'text', text: 'You are terse.' }, { type: 'text', text: 'Use metric.' }] }),
      { messages: [{ role: 'system', content: 'You are terse.\nUse metric.' }, { role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
    ],
    ['empty system is dropped', withFields({ system: '' }), { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }],
    [
      'system turns inside messages',
      withMessages({ role: 'system', content: 'Be kind.' }, user('hi')),
      { messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
    ],
    [
      'images by base64 and URL',
      withMessages(
        user([
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
          { type: 'text', text: 'Same cat?' },
        ]),
      ),
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/a.jpg' } },
              { type: 'text', text: 'Same cat?' },
            ],
          },
        ],
      },
    ],
    [
      'tool_use and tool_result round: results first, in order, then the rest of the user turn',
      withMessages(
        user('Weather in Oslo and Rome?'),
        assistant([
          { type: 'thinking', thinking: 'two calls', signature: 'sig' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
        ]),
        user([
          { type: 'text', text: 'Here you go.' },
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '12C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'rain' }, { type: 'text', text: 'timeout' }], is_error: true },
        ]),
      ),
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo and Rome?' }] },
          {
            role: 'assistant',
            content: [{ type: 'text', text: 'Checking.' }],
            toolCalls: [
              { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
              { id: 'toolu_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
            ],
          },
          { role: 'tool', toolCallId: 'toolu_1', content: '12C' },
          { role: 'tool', toolCallId: 'toolu_2', content: 'rain\ntimeout', isError: true },
          { role: 'user', content: [{ type: 'text', text: 'Here you go.' }] },
        ],
      },
    ],
    [
      'a user turn of only tool results adds no user message',
      withMessages(user([{ type: 'tool_result', tool_use_id: 'toolu_1' }])),
      { messages: [{ role: 'tool', toolCallId: 'toolu_1', content: '' }] },
    ],
    [
      'tools, tool_choice any with parallel use disabled, sampling, stop sequences, user',
      withFields({
        tools: [weatherTool, { type: 'custom', name: 'now', input_schema: { type: 'object', properties: {} } }],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
        temperature: 0.5,
        top_p: 0.8,
        top_k: 40,
        stop_sequences: ['END'],
        stream: true,
        metadata: { user_id: 'user-7' },
      }),
      {
        tools: [
          { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object' } },
          { name: 'now', parameters: { type: 'object', properties: {} } },
        ],
        toolChoice: 'required',
        parallelToolCalls: false,
        temperature: 0.5,
        topP: 0.8,
        stop: ['END'],
        stream: true,
        user: 'user-7',
      },
    ],
    ['tool_choice tool', withFields({ tools: [weatherTool], tool_choice: { type: 'tool', name: 'get_weather' } }), { toolChoice: { name: 'get_weather' } }],
    ['tool_choice none', withFields({ tools: [weatherTool], tool_choice: { type: 'none' } }), { toolChoice: 'none' }],
    [
      'structured output format',
      withFields({ output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } }),
      { responseFormat: { type: 'json_schema', name: 'response', schema: { type: 'object' } } },
    ],
  ])('%s', (_name, body, expected) => {
    expect(decodeAnthropicMessages(body)).toMatchObject(expected);
  });

  it('ignores unknown fields and accepted-but-ignored ones', () => {
    const request = decodeAnthropicMessages(withFields({ top_k: 5, thinking: { type: 'disabled' }, service_tier: 'auto', cache_control: { type: 'ephemeral' }, future: 1 }));
    expect(request).toEqual({ model: 'claude-route', maxTokens: 256, stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
  });
});
