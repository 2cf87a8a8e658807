import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSseText } from '../wire/sse';
import { seededRandom } from '../resilience/random';
import { countTokens } from './reply';
import { startSimulator } from './server';
import type { Simulator } from './server';
import { postJson, readToEnd } from './test-helpers';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' }, metric: { type: 'boolean' }, note: { type: 'string' } },
      required: ['city', 'days', 'metric'],
    },
  },
};

let sim: Simulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulator({ random: seededRandom(1) });
  client = new OpenAI({ baseURL: sim.url + '/v1', apiKey: 'x', maxRetries: 0 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('OpenAI chat completions', () => {
  it('answers a plain request with a deterministic reply and usage that matches the stats', async () => {
    const request = { model: 'gpt-4o', messages: [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Say hello' }] };
    const completion = await client.chat.completions.create(request);
    const again = await client.chat.completions.create(request);

    const text = completion.choices[0].message.content ?? '';
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4o');
    expect(text).toMatch(/^Simulated reply from gpt-4o:/);
    expect(again.choices[0].message.content).toBe(text);
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: countTokens('Be brief.\nSay hello'), completion_tokens: countTokens(text) });
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    expect(sim.stats().byModel['gpt-4o']).toEqual({
      requests: 2, completed: 2, failed: 0, aborted: 0,
      inputTokens: 2 * completion.usage!.prompt_tokens, outputTokens: 2 * completion.usage!.completion_tokens,
    });
  });

  it('uses a fixed reply and caps it at max_tokens with finish_reason length', async () => {
    sim.setBehaviour('fixed', { reply: 'one two three four five six seven eight' });
    const full = await client.chat.completions.create({ model: 'fixed', messages: [{ role: 'user', content: 'hi' }] });
    const capped = await client.chat.completions.create({ model: 'fixed', max_completion_tokens: 3, messages: [{ role: 'user', content: 'hi' }] });
    expect(full.choices[0].message.content).toBe('one two three four five six seven eight');
    expect(capped.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'one two three' } });
    expect(capped.usage?.completion_tokens).toBe(3);
  });

  it('streams chunks that reassemble to the plain reply, then the usage chunk, when include_usage is set', async () => {
    const messages = [{ role: 'user' as const, content: 'Stream to me' }];
    const plain = await client.chat.completions.create({ model: 'gpt-4o', messages });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    const contentChunks = chunks.filter((chunk) => chunk.choices[0]?.delta.content);
    expect(contentChunks.length).toBeGreaterThan(2);
    expect(contentChunks.map((chunk) => chunk.choices[0].delta.content).join('')).toBe(plain.choices[0].message.content);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(plain.usage);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(sim.stats().byModel['gpt-4o'].outputTokens).toBe(2 * last.usage!.completion_tokens);
  });

  it('ends the raw stream with data: [DONE] and sends no usage without include_usage', async () => {
    const response = await postJson(`${sim.url}/v1/chat/completions`, { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const messages = parseSseText(await response.text());
    expect(messages.at(-1)?.data).toBe('[DONE]');
    const payloads = messages.slice(0, -1).map((message) => JSON.parse(message.data) as Record<string, unknown>);
    expect(payloads.every((payload) => payload.object === 'chat.completion.chunk' && !('usage' in payload))).toBe(true);
  });

  it('calls the offered tool with arguments holding every required property', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool] });
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0];
    expect(call.type).toBe('function');
    if (call.type !== 'function') return;
    expect(call.id).toMatch(/^call_/);
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'example', days: 1, metric: true });
    expect(completion.usage?.completion_tokens).toBe(countTokens(call.function.arguments));
  });

  it('streams tool arguments in several fragments that the SDK assembles', async () => {
    const request = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Weather in Paris?' }], tools: [weatherTool], tool_choice: { type: 'function' as const, function: { name: 'get_weather' } } };
    const stream = await client.chat.completions.create({ ...request, stream: true });
    const fragments: string[] = [];
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) if (delta.function?.arguments) fragments.push(delta.function.arguments);
    }
    expect(fragments.length).toBeGreaterThan(1);
    expect(JSON.parse(fragments.join(''))).toEqual({ city: 'example', days: 1, metric: true });

    const assembled = await client.chat.completions.stream(request).finalChatCompletion();
    const call = assembled.choices[0].message.tool_calls![0];
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'example', days: 1, metric: true });
    expect(assembled.choices[0].finish_reason).toBe('tool_calls');
  });

  it.each([
    ['the last message is a tool result', { tool_choice: 'auto' as const, lastIsTool: true }],
    ['tool_choice is none', { tool_choice: 'none' as const, lastIsTool: false }],
  ])('answers in text when %s', async (_name, { tool_choice, lastIsTool }) => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    if (lastIsTool) {
      messages.push({ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] });
      messages.push({ role: 'tool', tool_call_id: 'call_1', content: '{"temperature":21}' });
    }
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages, tools: [weatherTool], tool_choice });
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.choices[0].message.content).toMatch(/^Simulated reply/);
  });

  it.each([
    ['in an assistant turn', 'messages[1].tool_calls[0].id'],
    ['in a tool result', 'messages[2].tool_call_id'],
  ])('rejects a tool call id over 40 characters %s, as OpenAI does', async (_where, param) => {
    const long = `call_${'x'.repeat(36)}`;
    const id = (field: string) => (param.endsWith(field) ? long : 'call_1');
    const error = await client.chat.completions
      .create({
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: null, tool_calls: [{ id: id('.id'), type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: id('tool_call_id'), content: '21' },
        ],
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, param });
    expect((error as Error).message).toContain('maximum length 40');
  });

  it('rejects a prompt longer than the context window with context_length_exceeded', async () => {
    sim.setBehaviour('small', { contextWindow: 5 });
    const error = await client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'this prompt is certainly longer than five tokens' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'messages' });
    expect((error as Error).message).toContain('maximum context length is 5 tokens');
  });
});

describe('OpenAI errors', () => {
  it.each([
    [429, OpenAI.RateLimitError, '1'],
    [500, OpenAI.InternalServerError, null],
    [503, OpenAI.InternalServerError, '1'],
  ])('errorRates %i makes the client throw the matching APIError', async (status, errorClass, retryAfter) => {
    sim.setBehaviour('flaky', { errorRates: { [status]: 1 } });
    const error = await client.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe(retryAfter);
    expect(sim.stats().byModel.flaky).toMatchObject({ requests: 1, failed: 1, completed: 0 });
  });

  it('answers 429 with the configured Retry-After and the rate-limit error shape', async () => {
    sim.setBehaviour('limited', { errorRates: { '429': 1 }, retryAfterSeconds: 12 });
    const response = await postJson(`${sim.url}/v1/chat/completions`, { model: 'limited', messages: [{ role: 'user', content: 'hi' }] });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('12');
    expect(await response.json()).toEqual({ error: { message: expect.any(String), type: 'requests', param: null, code: 'rate_limit_exceeded' } });
  });

  it.each([
    ['invalid JSON', '{"model":', undefined],
    ['no messages', { model: 'gpt-4o' }, 'messages'],
    ['no model', { messages: [{ role: 'user', content: 'hi' }] }, 'model'],
  ])('answers a bad request (%s) with 400 in the OpenAI error shape', async (_name, body, param) => {
    const response = await postJson(`${sim.url}/v1/chat/completions`, body);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { error: Record<string, unknown> }).error;
    expect(error).toMatchObject({ type: 'invalid_request_error', param: param ?? null });
    expect(typeof error.message).toBe('string');
  });

  it('answers unknown paths with 404', async () => {
    const response = await postJson(`${sim.url}/v1/completions-of-the-future`, {});
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('/v1/completions-of-the-future');
  });
});

describe('OpenAI embeddings and models', () => {
  it('returns deterministic unit vectors through the SDK (base64 on the wire) and prompt_tokens usage', async () => {
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['first text', 'second text'] });
    const again = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'first text' });
    expect(result.data.map((item) => item.index)).toEqual([0, 1]);
    expect(result.data[0].embedding).toHaveLength(8);
    expect(again.data[0].embedding).toEqual(result.data[0].embedding);
    expect(result.data[1].embedding).not.toEqual(result.data[0].embedding);
    expect(Math.hypot(...result.data[0].embedding)).toBeCloseTo(1, 5);
    expect(result.usage).toEqual({ prompt_tokens: countTokens('first text') + countTokens('second text'), total_tokens: countTokens('first text') + countTokens('second text') });
    expect(sim.received()[0].body).toMatchObject({ encoding_format: 'base64' });
  });

  it('honours dimensions and encoding_format float', async () => {
    const response = await postJson(`${sim.url}/v1/embeddings`, { model: 'e', input: 'first text', dimensions: 4, encoding_format: 'float' });
    const body = (await response.json()) as { object: string; data: Array<{ object: string; embedding: number[] }> };
    expect(body.object).toBe('list');
    expect(body.data[0].object).toBe('embedding');
    expect(body.data[0].embedding).toHaveLength(4);
  });

  it('lists the models that have a behaviour', async () => {
    sim.setBehaviour('gpt-4o-mini', {});
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toContain('gpt-4o-mini');
  });
});

describe('OpenAI requests as the upstream saw them', () => {
  it('records the parsed body and the headers', async () => {
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'remember me' }], temperature: 0.3 });
    const [entry] = sim.received();
    expect(entry).toMatchObject({ format: 'openai', path: '/v1/chat/completions', model: 'gpt-4o', body: { temperature: 0.3, messages: [{ role: 'user', content: 'remember me' }] } });
    expect(entry.headers.authorization).toBe('Bearer x');
  });
});

describe('OpenAI credentials', () => {
  it('rejects a wrong key with 401 and accepts the right one', async () => {
    const guarded = await startSimulator({ apiKey: 'sk-right' });
    try {
      const wrong = new OpenAI({ baseURL: guarded.url + '/v1', apiKey: 'sk-wrong', maxRetries: 0 });
      const right = new OpenAI({ baseURL: guarded.url + '/v1', apiKey: 'sk-right', maxRetries: 0 });
      const error = await wrong.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error).toMatchObject({ code: 'invalid_api_key' });
      const completion = await right.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.choices[0].message.content).toMatch(/^Simulated/);
      expect(guarded.stats().byModel.m).toMatchObject({ requests: 2, failed: 1, completed: 1 });
    } finally {
      await guarded.close();
    }
  });
});

describe('OpenAI stream reading helper', () => {
  it('reads a complete stream without reporting a failure', async () => {
    const response = await postJson(`${sim.url}/v1/chat/completions`, { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const { text, failed } = await readToEnd(response);
    expect(failed).toBe(false);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});
