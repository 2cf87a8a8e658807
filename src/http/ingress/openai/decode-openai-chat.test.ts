import { describe, expect, it } from 'vitest';
import { JunctionError } from '../../../errors';
import type { ChatRequest } from '../../../canonical/types';
import { decodeOpenAIChat } from './decode-openai-chat';

const user = (content: unknown) => ({ role: 'user', content });
const base = { model: 'chat-fast', messages: [user('hi')] };
const withFields = (fields: Record<string, unknown>) => ({ ...base, ...fields });
const withMessages = (...messages: unknown[]) => ({ ...base, messages });
const weatherTool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } };

function decodeError(body: unknown): JunctionError {
  try {
    decodeOpenAIChat(body);
  } catch (error) {
    if (error instanceof JunctionError) return error;
    throw error;
  }
  throw new Error('expected decodeOpenAIChat to throw');
}

describe('decodeOpenAIChat rejects malformed bodies', () => {
  it.each<[string, unknown, string | undefined, string]>([
    ['null body', null, undefined, 'expected an object, got null'],
    ['array body', [base], undefined, 'expected an object, got an array'],
    ['string body', 'hello', undefined, 'expected an object, got a string'],
    ['missing model', { messages: base.messages }, 'model', 'required'],
    ['numeric model', { ...base, model: 4 }, 'model', 'expected a string, got 4'],
    ['empty model', { ...base, model: '' }, 'model', 'must not be empty'],
    ['missing messages', { model: 'm' }, 'messages', 'required'],
    ['messages not an array', { model: 'm', messages: 'hi' }, 'messages', 'expected an array'],
    ['empty messages', withMessages(), 'messages', 'must not be empty'],
    ['message not an object', withMessages('hi'), 'messages[0]', 'expected an object'],
    ['missing role', withMessages({ content: 'hi' }), 'messages[0].role', 'required'],
    ['unknown role', withMessages({ role: 'bot', content: 'hi' }), 'messages[0].role', "'bot' is not supported"],
    ['legacy function role', withMessages({ role: 'function', name: 'f', content: '1' }), 'messages[0].role', "legacy 'function' role"],
    ['numeric content', withMessages(user('hi'), user(5)), 'messages[1].content', 'expected a string or an array of content parts'],
    ['missing user content', withMessages({ role: 'user' }), 'messages[0].content', 'required'],
    ['part without type', withMessages(user([{ text: 'hi' }])), 'messages[0].content[0].type', 'required'],
    ['text part with numeric text', withMessages(user([{ type: 'text', text: 1 }])), 'messages[0].content[0].text', 'expected a string'],
    ['input_audio part', withMessages(user([{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }])), 'messages[0].content[0].type', "'input_audio' is not supported"],
    ['file part', withMessages(user([{ type: 'text', text: 'a' }, { type: 'file', file: { file_id: 'f' } }])), 'messages[0].content[1].type', "'file' is not supported"],
    ['image part without url', withMessages(user([{ type: 'image_url', image_url: {} }])), 'messages[0].content[0].image_url.url', 'required'],
    ['image detail out of enum', withMessages(user([{ type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'ultra' } }])), 'messages[0].content[0].image_url.detail', "expected 'auto', 'low' or 'high'"],
    ['non-base64 data URL', withMessages(user([{ type: 'image_url', image_url: { url: 'data:image/png,%89PNG' } }])), 'messages[0].content[0].image_url.url', 'base64 data URL'],
    ['image part in system message', withMessages({ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] }), 'messages[0].content[0].type', "'image_url' is not supported (expected 'text')"],
    ['assistant without content or tool calls', withMessages({ role: 'assistant', content: null }), 'messages[0].content', 'required unless tool_calls is present'],
    ['tool call without id', withMessages({ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }), 'messages[0].tool_calls[0].id', 'required'],
    ['tool call with object arguments', withMessages({ role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: {} } }] }), 'messages[0].tool_calls[0].function.arguments', 'expected a string, got an object'],
    ['tool message without tool_call_id', withMessages({ role: 'tool', content: 'ok' }), 'messages[0].tool_call_id', 'required'],
    ['tools not an array', withFields({ tools: weatherTool }), 'tools', 'expected an array'],
    ['custom tool', withFields({ tools: [{ type: 'custom', custom: { name: 'grammar' } }] }), 'tools[0].type', "'custom' is not supported"],
    ['tool without name', withFields({ tools: [{ type: 'function', function: { description: 'x' } }] }), 'tools[0].function.name', 'required'],
    ['tool parameters as array', withFields({ tools: [{ type: 'function', function: { name: 'f', parameters: [] } }] }), 'tools[0].function.parameters', 'expected an object, got an array'],
    ['unknown tool_choice string', withFields({ tools: [weatherTool], tool_choice: 'always' }), 'tool_choice', "expected 'none', 'auto', 'required'"],
    ['allowed_tools tool_choice', withFields({ tools: [weatherTool], tool_choice: { type: 'allowed_tools', allowed_tools: {} } }), 'tool_choice.type', "'allowed_tools' is not supported"],
    ['named tool_choice without name', withFields({ tools: [weatherTool], tool_choice: { type: 'function', function: {} } }), 'tool_choice.function.name', 'required'],
    ['named tool_choice for a missing tool', withFields({ tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'nope' } } }), 'tool_choice.function.name', "no tool named 'nope'"],
    ['temperature above 2', withFields({ temperature: 2.5 }), 'temperature', 'must be at most 2, got 2.5'],
    ['negative temperature', withFields({ temperature: -0.1 }), 'temperature', 'must be at least 0'],
    ['temperature as string', withFields({ temperature: '0.7' }), 'temperature', 'expected a number, got a string'],
    ['top_p above 1', withFields({ top_p: 1.5 }), 'top_p', 'must be at most 1'],
    ['n = 2', withFields({ n: 2 }), 'n', 'only n = 1 is supported'],
    ['fractional max_tokens', withFields({ max_tokens: 10.5 }), 'max_tokens', 'expected an integer, got 10.5'],
    ['zero max_completion_tokens', withFields({ max_completion_tokens: 0 }), 'max_completion_tokens', 'must be at least 1, got 0'],
    ['stop as number', withFields({ stop: 3 }), 'stop', 'expected a string or an array of strings'],
    ['stop array with a number', withFields({ stop: ['a', 3] }), 'stop[1]', 'expected a string, got 3'],
    ['stream as string', withFields({ stream: 'true' }), 'stream', 'expected a boolean'],
    ['unknown response_format type', withFields({ response_format: { type: 'xml' } }), 'response_format.type', "'xml' is not supported"],
    ['json_schema without name', withFields({ response_format: { type: 'json_schema', json_schema: { schema: {} } } }), 'response_format.json_schema.name', 'required'],
    ['legacy functions', withFields({ functions: [{ name: 'f' }] }), 'functions', "legacy 'functions' are not supported"],
    ['legacy function_call', withFields({ function_call: 'auto' }), 'function_call', "legacy 'function_call' is not supported"],
    ['seed as float', withFields({ seed: 1.5 }), 'seed', 'expected an integer'],
    ['metadata with non-string value', withFields({ metadata: { team: 1 } }), 'metadata.team', 'expected a string, got 1'],
  ])('%s', (_name, body, param, message) => {
    const error = decodeError(body);
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message.startsWith(`${param ?? 'request body'}: `)).toBe(true);
    expect(error.message).toContain(message);
  });
});

describe('decodeOpenAIChat converts valid bodies', () => {
  it.each<[string, unknown, Partial<ChatRequest>]>([
    ['minimal', base, { model: 'chat-fast', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream: false }],
    [
      'developer becomes system, system parts are joined',
      withMessages({ role: 'developer', content: 'Be brief.' }, { role: 'system', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }),
      { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'system', content: 'a\nb' }] },
    ],
    [
      'image parts: URL kept, data URL becomes base64',
      withMessages(
        user([
          { type: 'text', text: 'compare' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
        ]),
      ),
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'compare' },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQ' } },
            ],
          },
        ],
      },
    ],
    [
      'assistant tool calls with null content, then tool results',
      withMessages(
        user('weather?'),
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: '12C' }] },
      ),
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
          { role: 'assistant', content: [], toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
          { role: 'tool', toolCallId: 'call_1', content: '12C' },
        ],
      },
    ],
    [
      'assistant refusal parts replay as text',
      withMessages({ role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }] }),
      { messages: [{ role: 'assistant', content: [{ type: 'text', text: 'I cannot.' }] }] },
    ],
    [
      'tools, named tool_choice and sampling options',
      withFields({
        tools: [weatherTool, { type: 'function', function: { name: 'now', description: 'Current time', strict: true } }],
        tool_choice: { type: 'function', function: { name: 'now' } },
        parallel_tool_calls: false,
        temperature: 0.2,
        top_p: 0.9,
        seed: 7,
        stop: 'END',
        user: 'user-42',
      }),
      {
        tools: [
          { name: 'get_weather', parameters: { type: 'object' } },
          { name: 'now', description: 'Current time', parameters: { type: 'object', properties: {} } },
        ],
        toolChoice: { name: 'now' },
        parallelToolCalls: false,
        temperature: 0.2,
        topP: 0.9,
        seed: 7,
        stop: ['END'],
        user: 'user-42',
      },
    ],
    ['max_completion_tokens wins over max_tokens', withFields({ max_tokens: 10, max_completion_tokens: 20 }), { maxTokens: 20 }],
    ['max_tokens alone', withFields({ max_tokens: 10 }), { maxTokens: 10 }],
    [
      'json_schema response format',
      withFields({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } } }),
      { responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
    ],
    ['json_object response format', withFields({ response_format: { type: 'json_object' } }), { responseFormat: { type: 'json_object' } }],
    ['tool_choice string', withFields({ tools: [weatherTool], tool_choice: 'required' }), { toolChoice: 'required' }],
  ])('%s', (_name, body, expected) => {
    expect(decodeOpenAIChat(body).request).toMatchObject(expected);
  });

  it('treats explicit nulls as absent and ignores unknown and ignored fields', () => {
    const { request } = decodeOpenAIChat(
      withFields({
        temperature: null,
        stop: null,
        max_tokens: null,
        n: 1,
        frequency_penalty: 0.5,
        logit_bias: { '50256': -100 },
        store: false,
        reasoning_effort: 'low',
        some_future_field: { anything: true },
      }),
    );
    expect(request).toEqual({ model: 'chat-fast', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream: false });
  });

  it.each([
    [{ stream: true, stream_options: { include_usage: true } }, true, true],
    [{ stream: true }, true, false],
    [{ stream: true, stream_options: { include_usage: false } }, true, false],
    // include_usage means nothing without a stream.
    [{ stream: false, stream_options: { include_usage: true } }, false, false],
  ])('stream options %j → stream %s, includeUsage %s', (fields, stream, includeUsage) => {
    const decoded = decodeOpenAIChat(withFields(fields));
    expect(decoded.request.stream).toBe(stream);
    expect(decoded.includeUsage).toBe(includeUsage);
  });
});
