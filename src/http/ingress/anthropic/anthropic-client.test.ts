/**
 * The official `@anthropic-ai/sdk` client against the Anthropic ingress over real HTTP: what the
 * client sends must decode, and what the encoders write must rebuild the message the client
 * promises, usage and tool input included.
 */
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isJunctionError, JunctionError } from '../../../errors';
import type { ChatRequest, ChatResponse, StreamEvent } from '../../../canonical/types';
import { startLoopbackServer, type LoopbackResponse, type LoopbackServer } from '../shared/loopback-server';
import { decodeAnthropicMessages } from './decode-anthropic-messages';
import { encodeAnthropicMessage } from './encode-anthropic-message';
import { createAnthropicStreamEncoder } from './encode-anthropic-stream';
import { renderAnthropicError } from './render-anthropic-error';

let server: LoopbackServer;
let client: Anthropic;
let answer: (request: ChatRequest) => LoopbackResponse;
let decoded: ChatRequest[];

beforeAll(async () => {
  server = await startLoopbackServer(({ body }) => {
    try {
      const request = decodeAnthropicMessages(body);
      decoded.push(request);
      return answer(request);
    } catch (error) {
      if (!isJunctionError(error)) throw error;
      const { status, body: errorBody } = renderAnthropicError(error);
      return { status, body: JSON.stringify(errorBody) };
    }
  });
  client = new Anthropic({ apiKey: 'test-key', baseURL: server.url, maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => {
  decoded = [];
});

/** Canonical events → SSE, one HTTP write per event; `failWith` replaces the finish. */
function sse(events: StreamEvent[], request: ChatRequest, failWith?: JunctionError): LoopbackResponse {
  const encoder = createAnthropicStreamEncoder({ publicModel: request.model });
  const chunks = events.map((event) => (failWith !== undefined && event.type === 'finish' ? encoder.error(failWith) : encoder.encode(event)));
  return { status: 200, headers: { 'content-type': 'text/event-stream' }, body: chunks.filter((chunk) => chunk !== '') };
}

const response = (overrides: Partial<ChatResponse>): ChatResponse => ({
  id: 'chatcmpl-1',
  model: 'upstream-model',
  created: 1_700_000_000,
  text: '',
  toolCalls: [],
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: { inputTokens: 120, outputTokens: 15, cachedInputTokens: 100 },
  ...overrides,
});

const weatherTool = { name: 'get_weather', description: 'Weather by city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } };

describe('@anthropic-ai/sdk client → Anthropic ingress', () => {
  it('messages.create: what the client sends decodes, and the answer parses', async () => {
    answer = (request) => ({
      status: 200,
      body: JSON.stringify(
        encodeAnthropicMessage(
          response({ text: 'Checking.', toolCalls: [{ id: 'toolu_9', name: 'get_weather', arguments: '{"city":"Oslo"}' }], finishReason: { unified: 'tool-calls', raw: 'tool_use' } }),
          request.model,
        ),
      ),
    });
    const message = await client.messages.create({
      model: 'claude-route',
      max_tokens: 300,
      system: 'Use tools.',
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'timeout', is_error: true }] },
      ],
      tools: [weatherTool],
      tool_choice: { type: 'auto' },
      stop_sequences: ['END'],
      metadata: { user_id: 'user-3' },
    });

    expect(decoded[0]).toEqual({
      model: 'claude-route',
      maxTokens: 300,
      stream: false,
      messages: [
        { role: 'system', content: 'Use tools.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] },
        { role: 'assistant', content: [], toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
        { role: 'tool', toolCallId: 'toolu_1', content: 'timeout', isError: true },
      ],
      tools: [{ name: 'get_weather', description: 'Weather by city', parameters: weatherTool.input_schema }],
      toolChoice: 'auto',
      stop: ['END'],
      user: 'user-3',
    });
    expect(message.id).toBe('msg_chatcmpl-1');
    expect(message.model).toBe('claude-route');
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 15, cache_read_input_tokens: 100, cache_creation_input_tokens: 0 });
  });

  it('messages.stream().finalMessage() rebuilds text, tool input and usage from the events', async () => {
    answer = (request) =>
      sse(
        [
          { type: 'start', id: 'msg_s1', model: 'upstream', created: 1_700_000_001 },
          { type: 'text-delta', text: 'Let me ' },
          { type: 'text-delta', text: 'check.' },
          { type: 'tool-call-start', index: 0, id: 'toolu_a', name: 'get_weather' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: '{"ci' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: 'ty": "Oslo"}' },
          { type: 'tool-call-start', index: 1, id: 'toolu_b', name: 'get_weather' },
          { type: 'tool-call-delta', index: 1, argumentsDelta: '{"city": "Rome"}' },
          { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: { inputTokens: 80, outputTokens: 33, cachedInputTokens: 50, cacheWriteTokens: 10 } },
        ],
        request,
      );
    const texts: string[] = [];
    const stream = client.messages.stream({
      model: 'claude-route',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Weather in Oslo and Rome?' }],
      tools: [weatherTool],
    });
    stream.on('text', (delta) => texts.push(delta));
    const message = await stream.finalMessage();

    expect(decoded[0].stream).toBe(true);
    expect(texts.join('')).toBe('Let me check.');
    expect(message.id).toBe('msg_s1');
    expect(message.model).toBe('claude-route');
    expect(message.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'toolu_b', name: 'get_weather', input: { city: 'Rome' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 33, cache_read_input_tokens: 50, cache_creation_input_tokens: 10 });
  });

  it('a failure after the first bytes rejects finalMessage with an APIError of the right type', async () => {
    answer = (request) =>
      sse(
        [
          { type: 'start', id: 'msg_s2', model: 'upstream', created: 1_700_000_002 },
          { type: 'text-delta', text: 'partial' },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: undefined },
        ],
        request,
        new JunctionError('upstream_overloaded', 'the upstream is overloaded'),
      );
    const failure = await client.messages
      .stream({ model: 'claude-route', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).message).toContain('the upstream is overloaded');
    expect((failure as APIError).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    // The client's own field for a stable code (error.details.error_code).
    expect((failure as APIError).errorCode).toBe('upstream_overloaded');
  });

  it('a decode error arrives as BadRequestError carrying the field path', async () => {
    answer = () => {
      throw new Error('the handler should not be reached');
    };
    const failure = await client.messages
      .create({
        model: 'claude-route',
        max_tokens: 50,
        messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }] }],
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    expect((failure as APIError).status).toBe(400);
    expect((failure as APIError).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect((failure as APIError).message).toContain("messages[0].content[0].type: 'document' is not supported");
    expect((failure as APIError).errorCode).toBe('invalid_request');
  });

  it('an unknown route arrives as NotFoundError with errorCode model_not_found', async () => {
    answer = () => {
      const { status, body } = renderAnthropicError(new JunctionError('model_not_found', "no route named 'nope'"));
      return { status, body: JSON.stringify(body) };
    };
    const failure = await client.messages.create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.NotFoundError);
    expect((failure as APIError).error).toMatchObject({ error: { type: 'not_found_error', message: "no route named 'nope'" } });
    expect((failure as APIError).errorCode).toBe('model_not_found');
  });
});
