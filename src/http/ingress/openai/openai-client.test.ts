/**
 * The official `openai` client against the OpenAI ingress over real HTTP: what the client sends
 * must decode, and what the encoders write must parse back into what the client promises.
 */
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isJunctionError, JunctionError } from '../../../errors';
import type { ChatRequest, ChatResponse, StreamEvent } from '../../../canonical/types';
import { startLoopbackServer, type LoopbackHandler, type LoopbackResponse, type LoopbackServer } from '../shared/loopback-server';
import { decodeOpenAIChat } from './decode-openai-chat';
import { encodeOpenAIChat } from './encode-openai-chat';
import { createOpenAIStreamEncoder } from './encode-openai-stream';
import { decodeOpenAIEmbeddings, encodeOpenAIEmbeddings } from './openai-embeddings';
import { encodeOpenAIModelList } from './openai-models';
import { renderOpenAIError } from './render-openai-error';

let server: LoopbackServer;
let client: OpenAI;
let handle: LoopbackHandler;
let decoded: ChatRequest[];

beforeAll(async () => {
  server = await startLoopbackServer((request) => handle(request));
  client = new OpenAI({ apiKey: 'test-key', baseURL: `${server.url}/v1`, maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => {
  decoded = [];
});

const json = (status: number, body: unknown): LoopbackResponse => ({ status, body: JSON.stringify(body) });

/** Serve chat: decode the body like the gateway would, then answer via `answer`. */
function serveChat(answer: (request: ChatRequest, includeUsage: boolean) => LoopbackResponse): void {
  handle = ({ body }) => {
    try {
      const { request, includeUsage } = decodeOpenAIChat(body);
      decoded.push(request);
      return answer(request, includeUsage);
    } catch (error) {
      if (!isJunctionError(error)) throw error;
      const { status, body: errorBody } = renderOpenAIError(error);
      return json(status, errorBody);
    }
  };
}

/** Canonical events → SSE chunks, one HTTP write per event; `failWith` replaces the finish. */
function sse(events: StreamEvent[], request: ChatRequest, includeUsage: boolean, failWith?: JunctionError): LoopbackResponse {
  const encoder = createOpenAIStreamEncoder({ publicModel: request.model, includeUsage });
  const chunks = events.map((event) => (failWith !== undefined && event.type === 'finish' ? encoder.error(failWith) : encoder.encode(event)));
  return { status: 200, headers: { 'content-type': 'text/event-stream' }, body: chunks.filter((chunk) => chunk !== '') };
}

const response = (overrides: Partial<ChatResponse>): ChatResponse => ({
  id: 'chatcmpl-abc',
  model: 'upstream-model',
  created: 1_700_000_000,
  text: '',
  toolCalls: [],
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: { inputTokens: 30, outputTokens: 8, cachedInputTokens: 10 },
  ...overrides,
});

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

describe('openai client → OpenAI ingress', () => {
  it('chat.completions.create: what the client sends decodes, and the answer parses', async () => {
    serveChat((request) =>
      json(200, encodeOpenAIChat(response({ toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' } }), request.model)),
    );
    const completion = await client.chat.completions.create({
      model: 'chat-fast',
      messages: [
        { role: 'developer', content: 'Answer with tools.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture, and the weather?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_0', content: 'unknown city' },
      ],
      tools: [weatherTool],
      tool_choice: 'auto',
      temperature: 0.3,
      max_completion_tokens: 200,
      stop: ['\n\n'],
    });

    expect(decoded[0]).toEqual({
      model: 'chat-fast',
      messages: [
        { role: 'system', content: 'Answer with tools.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture, and the weather?' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
        { role: 'assistant', content: [], toolCalls: [{ id: 'call_0', name: 'get_weather', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'call_0', content: 'unknown city' },
      ],
      tools: [{ name: 'get_weather', description: 'Weather by city', parameters: weatherTool.function.parameters }],
      toolChoice: 'auto',
      temperature: 0.3,
      maxTokens: 200,
      stop: ['\n\n'],
      stream: false,
    });
    expect(completion.model).toBe('chat-fast');
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.content).toBeNull();
    expect(completion.choices[0].message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
    ]);
    expect(completion.usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 8, total_tokens: 38, prompt_tokens_details: { cached_tokens: 10 } });
  });

  it('create({ stream: true }) yields the deltas and the final usage chunk', async () => {
    serveChat((request, includeUsage) =>
      sse(
        [
          { type: 'start', id: 'chatcmpl-s1', model: 'upstream', created: 1_700_000_001 },
          { type: 'text-delta', text: 'Hello' },
          { type: 'text-delta', text: ', world' },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: 9, outputTokens: 2 } },
        ],
        request,
        includeUsage,
      ),
    );
    const stream = await client.chat.completions.create({
      model: 'chat-fast',
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishReasons: Array<string | null> = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.id).toBe('chatcmpl-s1');
      expect(chunk.model).toBe('chat-fast');
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? '';
        finishReasons.push(choice.finish_reason);
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(decoded[0].stream).toBe(true);
    expect(text).toBe('Hello, world');
    expect(finishReasons.at(-1)).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 });
  });

  it('chat.completions.stream() assembles text and tool calls into the final completion', async () => {
    serveChat((request, includeUsage) =>
      sse(
        [
          { type: 'start', id: 'chatcmpl-s2', model: 'upstream', created: 1_700_000_002 },
          { type: 'text-delta', text: 'Checking.' },
          { type: 'tool-call-start', index: 0, id: 'call_w', name: 'get_weather' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city"' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: ':"Oslo"}' },
          { type: 'tool-call-start', index: 1, id: 'call_x', name: 'get_weather' },
          { type: 'tool-call-delta', index: 1, argumentsDelta: '{"city":"Rome"}' },
          { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: { inputTokens: 50, outputTokens: 20 } },
        ],
        request,
        includeUsage,
      ),
    );
    const runner = client.chat.completions.stream({
      model: 'chat-fast',
      messages: [{ role: 'user', content: 'Weather in Oslo and Rome?' }],
      tools: [weatherTool],
      stream_options: { include_usage: true },
    });
    const completion = await runner.finalChatCompletion();
    const message = completion.choices[0].message;
    expect(message.content).toBe('Checking.');
    expect(message.tool_calls?.map((call) => (call.type === 'function' ? [call.id, call.function.name, call.function.arguments] : []))).toEqual([
      ['call_w', 'get_weather', '{"city":"Oslo"}'],
      ['call_x', 'get_weather', '{"city":"Rome"}'],
    ]);
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 20 });
  });

  it('a failure after the first bytes surfaces as an APIError from the stream', async () => {
    serveChat((request, includeUsage) =>
      sse(
        [
          { type: 'start', id: 'chatcmpl-s3', model: 'upstream', created: 1_700_000_003 },
          { type: 'text-delta', text: 'partial' },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: undefined },
        ],
        request,
        includeUsage,
        new JunctionError('upstream_stream_truncated', 'the upstream stream ended early'),
      ),
    );
    const stream = await client.chat.completions.create({ model: 'chat-fast', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const seen: string[] = [];
    const failure = await (async () => {
      try {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(seen.join('')).toBe('partial');
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).message).toContain('the upstream stream ended early');
    expect((failure as APIError).code).toBe('upstream_stream_truncated');
    expect((failure as APIError).type).toBe('server_error');
  });

  it.each([
    ['a decode error', { n: 2 }, 400, 'invalid_request', 'n', 'invalid_request_error'],
    ['an unsupported content part', { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }] }] }, 400, 'invalid_request', 'messages[0].content[0].type', 'invalid_request_error'],
  ])('%s arrives as the client error with status, code, param and type', async (_name, fields, status, code, param, type) => {
    serveChat(() => json(500, { unexpected: true }));
    const failure = await client.chat.completions
      .create({ model: 'chat-fast', messages: [{ role: 'user', content: 'hi' }], ...(fields as object) } as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect(failure).toMatchObject({ status, code, param, type });
  });

  it('an unknown route arrives as NotFoundError with model_not_found', async () => {
    handle = () => {
      const { status, body } = renderOpenAIError(new JunctionError('model_not_found', "no route named 'nope'"));
      return json(status, body);
    };
    const failure = await client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect(failure).toMatchObject({ status: 404, code: 'model_not_found', type: 'invalid_request_error' });
  });
});

describe('openai client → embeddings and models', () => {
  const vectors = [
    [0.5, -1.25, 3],
    [Math.fround(0.1), 0, -0.75],
  ];

  function serveEmbeddings(): void {
    handle = ({ body }) => {
      const { request, encodingFormat } = decodeOpenAIEmbeddings(body);
      const embeddings = vectors.slice(0, request.input.length);
      return json(200, encodeOpenAIEmbeddings({ model: 'upstream-embed', embeddings, usage: { inputTokens: 6, outputTokens: 0 } }, request.model, encodingFormat));
    };
  }

  it('round-trips the default base64 encoding the client asks for', async () => {
    serveEmbeddings();
    const result = await client.embeddings.create({ model: 'embed', input: ['first', 'second'] });
    expect((server.requests.at(-1)?.body as { encoding_format?: string }).encoding_format).toBe('base64');
    expect(result.data.map((item) => item.embedding)).toEqual(vectors);
    expect(result.model).toBe('embed');
    expect(result.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
  });

  it('returns plain floats when the caller asks for float', async () => {
    serveEmbeddings();
    const result = await client.embeddings.create({ model: 'embed', input: 'first', encoding_format: 'float' });
    expect(result.data).toEqual([{ object: 'embedding', index: 0, embedding: vectors[0] }]);
  });

  it('lists routes as models', async () => {
    handle = () => json(200, encodeOpenAIModelList(['chat-fast', 'auto'], 1_700_000_000));
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['chat-fast', 'auto']);
  });
});
