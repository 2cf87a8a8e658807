/**
 * The official `openai` npm client, unchanged, pointed at Junction: plain, streamed with usage,
 * tools (plain and streamed deltas), embeddings, and every upstream format behind it.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf } from '../../src/routing/cost';
import { PRICES, startHarness, type Harness } from '../support/harness';

let harness: Harness;
let client: OpenAI;

beforeAll(async () => {
  harness = await startHarness();
  client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'caller-key', maxRetries: 0 });
});
afterAll(() => harness.close());

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] },
  },
};

const upstreams = [
  { route: 'to-openai', deployment: 'openai-mini', prices: PRICES['gpt-4o-mini'] },
  { route: 'to-anthropic', deployment: 'anthropic-haiku', prices: PRICES['claude-haiku'] },
  { route: 'to-gemini', deployment: 'gemini-flash', prices: PRICES['gemini-flash'] },
  { route: 'to-vllm', deployment: 'vllm-llama', prices: { input: 0, output: 0 } },
];

describe.each(upstreams)('openai client → Junction → $route', ({ route, deployment, prices }) => {
  it('answers a plain chat completion with usage and the right cost in the ledger', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { data, response } = await client.chat.completions
      .create({ model: route, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    // A real time whatever the upstream's format (Gemini's answers carry none).
    expect(data.created).toBeGreaterThanOrEqual(before);
    expect(data.created).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(data.model).toBe(route);
    expect(data.choices[0].message.role).toBe('assistant');
    expect(data.choices[0].message.content?.length).toBeGreaterThan(0);
    expect(data.choices[0].finish_reason).toBe('stop');
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-junction-deployment')).toBe(deployment);

    const requestId = response.headers.get('x-request-id')!;
    const [entry] = (await harness.junction.ledger.query({ limit: 50 })).filter((row) => row.requestId === requestId);
    expect(entry).toMatchObject({ route, deployment, status: 200, stream: false, inputTokens: data.usage!.prompt_tokens, outputTokens: data.usage!.completion_tokens });
    const expected = costOf({ inputTokens: data.usage!.prompt_tokens, outputTokens: data.usage!.completion_tokens }, { inputPerMillion: prices.input, outputPerMillion: prices.output });
    expect(entry.costUsd).toBeCloseTo(expected, 12);
  });

  it('streams with stream_options.include_usage and records the streamed usage exactly', async () => {
    // Taken before the request: its headers (and first chunk) may arrive in a later second.
    const before = Math.floor(Date.now() / 1000);
    const stream = await client.chat.completions.create({
      model: route,
      messages: [{ role: 'user', content: 'Tell me a short story' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null = null;
    let id = '';
    const created = new Set<number>();
    for await (const chunk of stream) {
      id = chunk.id;
      created.add(chunk.created);
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('stop');
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    expect(id).not.toBe('');
    expect(created.size).toBe(1);
    expect([...created][0]).toBeGreaterThanOrEqual(before);
    expect([...created][0]).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    const entries = await harness.junction.ledger.query({ route, limit: 50 });
    const entry = entries.find((row) => row.stream && row.outputTokens === usage!.completion_tokens && row.inputTokens === usage!.prompt_tokens);
    expect(entry, 'a ledger row with the streamed usage').toBeDefined();
    if (prices.input > 0) expect(entry!.costUsd).toBeGreaterThan(0);
    expect(entry!.ttftMs).toBeDefined();
  });

  it('calls tools without streaming', async () => {
    const completion = await client.chat.completions.create({
      model: route,
      messages: [{ role: 'user', content: 'Weather in Paris for 3 days?' }],
      tools: [weatherTool],
    });
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0];
    expect(call.type).toBe('function');
    if (call.type !== 'function') return;
    expect(call.function.name).toBe('get_weather');
    expect(Object.keys(JSON.parse(call.function.arguments)).sort()).toEqual(['city', 'days']);
    expect(call.id.length).toBeGreaterThan(0);

    // Second turn: send the tool result back; the model answers in text.
    const followUp = await client.chat.completions.create({
      model: route,
      messages: [
        { role: 'user', content: 'Weather in Paris for 3 days?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21}' },
      ],
      tools: [weatherTool],
    });
    expect(followUp.choices[0].finish_reason).toBe('stop');
    expect(followUp.choices[0].message.content?.length).toBeGreaterThan(0);
  });

  it('streams tool-call deltas that the client assembles into valid calls', async () => {
    const runner = client.chat.completions.stream({
      model: route,
      messages: [{ role: 'user', content: 'Weather in Oslo for 2 days?' }],
      tools: [weatherTool],
      stream_options: { include_usage: true },
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0].message.tool_calls![0];
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toMatchObject({ city: expect.any(String), days: expect.any(Number) });
    expect(final.usage?.completion_tokens).toBeGreaterThan(0);
  });
});

describe('openai client: Gemini thought signatures survive the tool loop', () => {
  // The simulated Gemini checks signatures as Gemini 3 does, and the simulated OpenAI caps
  // tool call ids at 40 characters, as OpenAI does.
  const ask = (model: string, call: OpenAI.ChatCompletionMessageToolCall) =>
    client.chat.completions.create({
      model,
      messages: [
        { role: 'user', content: 'Weather in Paris for 3 days?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21}' },
      ],
      tools: [weatherTool],
    });
  const firstCall = async (model: string, stream: boolean): Promise<OpenAI.ChatCompletionMessageToolCall> => {
    const request = { model, messages: [{ role: 'user' as const, content: 'Weather in Paris for 3 days?' }], tools: [weatherTool] };
    const completion = stream ? await client.chat.completions.stream(request).finalChatCompletion() : await client.chat.completions.create(request);
    return completion.choices[0].message.tool_calls![0];
  };

  it.each([false, true])('a Gemini call (streamed: %s) goes back to Gemini with its signature', async (stream) => {
    const call = await firstCall('to-gemini', stream);
    expect(call.id).toMatch(/__thought__/);
    const followUp = await ask('to-gemini', call);
    expect(followUp.choices[0].finish_reason).toBe('stop');
  });

  it("a Gemini call goes to OpenAI under its bare id, and an OpenAI call to Gemini under Gemini's stand-in", async () => {
    const geminiCall = await firstCall('to-gemini', false);
    expect(geminiCall.id.length).toBeGreaterThan(40);
    expect((await ask('to-openai', geminiCall)).choices[0].finish_reason).toBe('stop');

    const openaiCall = await firstCall('to-openai', false);
    expect(openaiCall.id).not.toMatch(/__thought__/);
    expect((await ask('to-gemini', openaiCall)).choices[0].finish_reason).toBe('stop');
  });
});

describe('openai client: models and embeddings', () => {
  it('lists the configured routes as models', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models.sort()).toEqual(['dead-then-openai', 'embeddings', 'failover', 'gemini-embeddings', 'to-anthropic', 'to-gemini', 'to-openai', 'to-vllm']);
  });

  it.each(['embeddings', 'gemini-embeddings'])('routes embeddings through %s (default base64 encoding round-trips)', async (route) => {
    const result = await client.embeddings.create({ model: route, input: ['first text', 'second text'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0].embedding.length).toBeGreaterThan(0);
    expect(result.data[0].embedding.every((value) => Number.isFinite(value))).toBe(true);
    expect(result.data[0].embedding).not.toEqual(result.data[1].embedding);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('refuses to send chat to an embeddings route, with a clear 400', async () => {
    await expect(client.chat.completions.create({ model: 'embeddings', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 400,
      code: 'capability_unsupported',
    });
  });
});

describe('openai client: same-format streams pass through', () => {
  const collect = async (route: string, includeUsage: boolean) => {
    const stream = await client.chat.completions.create({
      model: route,
      messages: [{ role: 'user', content: 'Tell me a story' }],
      stream: true,
      ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  };

  it('forwards an OpenAI upstream\'s chunks as they came but for the model (the route name), and converts other formats', async () => {
    const passed = await collect('to-openai', true);
    expect(new Set(passed.map((chunk) => chunk.model))).toEqual(new Set(['to-openai']));
    // Fields Junction's own encoder never writes show that the upstream's chunks were forwarded.
    expect(new Set(passed.map((chunk) => chunk.system_fingerprint))).toEqual(new Set([expect.stringMatching(/^fp_/)]));
    const converted = await collect('to-gemini', true);
    expect(new Set(converted.map((chunk) => chunk.model))).toEqual(new Set(['to-gemini']));
    expect(converted.every((chunk) => chunk.system_fingerprint === undefined)).toBe(true);
    for (const chunks of [passed, converted]) {
      expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop')).toBe(true);
      expect(chunks.at(-1)!.usage?.completion_tokens).toBeGreaterThan(0);
    }
  });

  it('drops the upstream usage chunk the caller did not ask for, yet prices the request from it', async () => {
    const chunks = await collect('to-openai', false);
    expect(chunks.every((chunk) => !chunk.usage)).toBe(true);
    expect(chunks.every((chunk) => chunk.choices.length > 0)).toBe(true);
    const [row] = await harness.junction.ledger.query({ route: 'to-openai', limit: 1 });
    expect(row.stream).toBe(true);
    expect(row.outputTokens).toBeGreaterThan(0);
    expect(row.costUsd).toBeGreaterThan(0);
  });
});
