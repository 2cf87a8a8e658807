import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSseText } from '../wire/sse';
import { seededRandom } from '../resilience/random';
import { countTokens } from './reply';
import { startSimulator } from './server';
import type { Simulator } from './server';
import { postJson } from './test-helpers';

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city', 'unit'] },
};

let sim: Simulator;
let client: Anthropic;

beforeAll(async () => {
  sim = await startSimulator({ random: seededRandom(2) });
  client = new Anthropic({ baseURL: sim.url, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('Anthropic messages', () => {
  it('answers a plain request with text and usage that matches the stats', async () => {
    const message = await client.messages.create({ model: 'claude-sonnet', max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello' }] });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-sonnet', stop_reason: 'end_turn', stop_sequence: null });
    expect(message.id).toMatch(/^msg_/);
    const block = message.content[0];
    expect(block.type).toBe('text');
    const text = block.type === 'text' ? block.text : '';
    expect(text).toMatch(/^Simulated reply from claude-sonnet:/);
    expect(message.usage).toMatchObject({ input_tokens: countTokens('Be brief.\nSay hello'), output_tokens: countTokens(text) });
    expect(sim.stats().byModel['claude-sonnet']).toMatchObject({ completed: 1, inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens });
  });

  it('streams through the SDK to a final message equal to the plain answer', async () => {
    const request = { model: 'claude-sonnet', max_tokens: 256, messages: [{ role: 'user' as const, content: 'Stream to me' }] };
    const plain = await client.messages.create(request);
    const final = await client.messages.stream(request).finalMessage();
    expect(final.content).toEqual(plain.content);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.input_tokens).toBe(plain.usage.input_tokens);
    expect(final.usage.output_tokens).toBe(plain.usage.output_tokens);
  });

  it('sends exactly the documented event sequence, each with its event line', async () => {
    const response = await postJson(`${sim.url}/v1/messages`, { model: 'claude-sonnet', max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSseText(await response.text());
    const names = events.map((event) => event.event);
    const deltas = names.filter((name) => name === 'content_block_delta').length;
    expect(deltas).toBeGreaterThan(1);
    expect(names).toEqual([
      'message_start', 'content_block_start', 'ping',
      ...Array<string>(deltas).fill('content_block_delta'),
      'content_block_stop', 'message_delta', 'message_stop',
    ]);
    const payloads = events.map((event) => JSON.parse(event.data) as { type: string } & Record<string, unknown>);
    expect(payloads.map((payload) => payload.type)).toEqual(names);
    expect(payloads[0]).toMatchObject({ message: { content: [], stop_reason: null, usage: { input_tokens: countTokens('hi') } } });
    expect(payloads.at(-2)).toMatchObject({ delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: expect.any(Number) } });
  });

  it('calls the offered tool with tool_use input holding the required properties', async () => {
    const message = await client.messages.create({ model: 'claude-sonnet', max_tokens: 256, tools: [weatherTool], messages: [{ role: 'user', content: 'Weather?' }] });
    expect(message.stop_reason).toBe('tool_use');
    const block = message.content[0];
    expect(block).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'example', unit: 'c' } });
    expect(block.type === 'tool_use' && block.id).toMatch(/^toolu_/);
    expect(message.usage.output_tokens).toBe(countTokens('{"city":"example","unit":"c"}'));
  });

  it('streams tool input as several input_json_delta fragments that the SDK assembles', async () => {
    const request = { model: 'claude-sonnet', max_tokens: 256, tools: [weatherTool], tool_choice: { type: 'tool' as const, name: 'get_weather' }, messages: [{ role: 'user' as const, content: 'Weather?' }] };
    const final = await client.messages.stream(request).finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'example', unit: 'c' } });
    expect(final.stop_reason).toBe('tool_use');

    const response = await postJson(`${sim.url}/v1/messages`, { ...request, stream: true });
    const fragments = parseSseText(await response.text())
      .map((event) => JSON.parse(event.data) as { type: string; delta?: { type: string; partial_json?: string } })
      .filter((payload) => payload.delta?.type === 'input_json_delta')
      .map((payload) => payload.delta!.partial_json!);
    expect(fragments.filter((fragment) => fragment.length > 0).length).toBeGreaterThan(1);
    expect(JSON.parse(fragments.join(''))).toEqual({ city: 'example', unit: 'c' });
  });

  it('answers in text after a tool result', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet',
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', unit: 'c' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '21 degrees' }] },
      ],
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content[0].type).toBe('text');
  });

  it('stops at max_tokens', async () => {
    const message = await client.messages.create({ model: 'claude-sonnet', max_tokens: 4, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(4);
  });
});

describe('Anthropic errors', () => {
  it.each([
    [429, Anthropic.RateLimitError, 'rate_limit_error', '1'],
    [500, Anthropic.InternalServerError, 'api_error', null],
    [529, Anthropic.InternalServerError, 'overloaded_error', null],
  ])('errorRates %i → the matching APIError', async (status, errorClass, type, retryAfter) => {
    sim.setBehaviour('flaky', { errorRates: { [status]: 1 } });
    const error = await client.messages.create({ model: 'flaky', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ status, error: { type: 'error', error: { type } } });
    expect((error as InstanceType<typeof Anthropic.APIError>).headers?.get('retry-after') ?? null).toBe(retryAfter);
  });

  it('reports an over-long prompt as Anthropic does', async () => {
    sim.setBehaviour('small', { contextWindow: 3 });
    const prompt = 'this prompt is certainly longer than three tokens';
    const error = await client.messages.create({ model: 'small', max_tokens: 10, messages: [{ role: 'user', content: prompt }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error).toMatchObject({ error: { error: { type: 'invalid_request_error', message: `prompt is too long: ${countTokens(prompt)} tokens > 3 maximum` } } });
  });

  it.each([
    ['no max_tokens', { model: 'c', messages: [{ role: 'user', content: 'hi' }] }, 'max_tokens'],
    ['no messages', { model: 'c', max_tokens: 5 }, 'messages'],
    ['invalid JSON', '{', 'JSON'],
  ])('answers a bad request (%s) with invalid_request_error', async (_name, body, mention) => {
    const response = await postJson(`${sim.url}/v1/messages`, body);
    expect(response.status).toBe(400);
    const payload = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(payload).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(payload.error.message).toContain(mention);
  });

  it('rejects a wrong key with authentication_error and accepts it as x-api-key or Bearer', async () => {
    const guarded = await startSimulator({ apiKey: 'right' });
    try {
      const wrong = new Anthropic({ baseURL: guarded.url, apiKey: 'wrong', maxRetries: 0 });
      const right = new Anthropic({ baseURL: guarded.url, apiKey: 'right', maxRetries: 0 });
      const error = await wrong.messages.create({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(error).toMatchObject({ error: { error: { type: 'authentication_error' } } });
      const message = await right.messages.create({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
      expect(message.type).toBe('message');
      const viaHeader = await postJson(`${guarded.url}/v1/messages`, { model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }, { 'x-api-key': 'right' });
      expect(viaHeader.status).toBe(200);
      const wrongHeader = await postJson(`${guarded.url}/v1/messages`, { model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }, { 'x-api-key': 'wrong' });
      expect(wrongHeader.status).toBe(401);
    } finally {
      await guarded.close();
    }
  });
});
