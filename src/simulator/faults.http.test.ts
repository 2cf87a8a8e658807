import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSseText } from '../wire/sse';
import { drawLatencyMs, frameGapMs } from './latency';
import { seededRandom } from '../resilience/random';
import { startSimulator } from './server';
import type { Simulator } from './server';
import { postJson, readToEnd } from './test-helpers';

const chatBody = (model: string, stream = false): Record<string, unknown> => ({ model, stream, messages: [{ role: 'user', content: 'hello' }] });
const anthropicBody = (model: string, stream = false): Record<string, unknown> => ({ model, max_tokens: 100, stream, messages: [{ role: 'user', content: 'hello' }] });

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ random: seededRandom(4) });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('faults over HTTP', () => {
  it('reset destroys the connection without a response, so fetch rejects', async () => {
    sim.setBehaviour('m', { resetRate: 1 });
    await expect(postJson(`${sim.url}/v1/chat/completions`, chatBody('m'))).rejects.toThrow();
    expect(sim.stats().byModel.m).toMatchObject({ requests: 1, failed: 1, aborted: 0 });
    expect(sim.stats().aborted).toBe(0);
  });

  it('malformedJson answers 200 application/json with a body that does not parse', async () => {
    sim.setBehaviour('m', { malformedJsonRate: 1 });
    const response = await postJson(`${sim.url}/v1/chat/completions`, chatBody('m'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const text = await response.text();
    expect(text.startsWith('{')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('malformedJson on a stream sends an event whose data does not parse', async () => {
    sim.setBehaviour('m', { malformedJsonRate: 1 });
    const response = await postJson(`${sim.url}/v1/messages`, anthropicBody('m', true));
    const events = parseSseText(await response.text());
    expect(events).toHaveLength(1);
    expect(() => JSON.parse(events[0].data)).toThrow(SyntaxError);
  });

  it.each([
    ['/v1/chat/completions', chatBody('m')],
    ['/v1/messages', anthropicBody('m')],
    ['/v1beta/models/m:generateContent', { contents: [{ parts: [{ text: 'hello' }] }] }],
  ])('wrongShape on %s answers 200 with valid JSON of the wrong shape', async (path, body) => {
    sim.setBehaviour('m', { wrongShapeRate: 1 });
    const response = await postJson(sim.url + path, body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(sim.stats().byModel.m.failed).toBe(1);
  });

  it('wrongShape on a stream sends one well-formed event with wrong-shape data and ends properly', async () => {
    sim.setBehaviour('m', { wrongShapeRate: 1 });
    const { text, failed } = await readToEnd(await postJson(`${sim.url}/v1/chat/completions`, chatBody('m', true)));
    expect(failed).toBe(false);
    expect(parseSseText(text)).toEqual([{ data: '{"ok":true}' }]);
  });

  it('midStreamCut ends an OpenAI stream without [DONE], and the SDK fails', async () => {
    sim.setBehaviour('m', { midStreamCutRate: 1 });
    const { text } = await readToEnd(await postJson(`${sim.url}/v1/chat/completions`, chatBody('m', true)));
    expect(text).toContain('data: {');
    expect(text).not.toContain('[DONE]');
    expect(text).not.toContain('"finish_reason":"stop"');

    const client = new OpenAI({ baseURL: sim.url + '/v1', apiKey: 'x', maxRetries: 0 });
    const consume = async (): Promise<void> => {
      const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hello' }] });
      for await (const chunk of stream) void chunk;
    };
    await expect(consume()).rejects.toThrow();
    expect(sim.stats().byModel.m).toMatchObject({ requests: 2, failed: 2, completed: 0, aborted: 0 });
  });

  it('midStreamCut ends an Anthropic stream without message_stop', async () => {
    sim.setBehaviour('m', { midStreamCutRate: 1 });
    const { text } = await readToEnd(await postJson(`${sim.url}/v1/messages`, anthropicBody('m', true)));
    expect(text).toContain('event: message_start');
    expect(text).not.toContain('message_stop');
    const client = new Anthropic({ baseURL: sim.url, apiKey: 'x', maxRetries: 0 });
    await expect(client.messages.stream({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] }).finalMessage()).rejects.toThrow();
  });

  describe('unfinishedStream: the end marker without a finish reason', () => {
    const reply = 'one two three four five six seven eight nine';
    const openaiStream = (text: string) => parseSseText(text).map((message) => message.data);
    const anthropicEvents = (text: string) => parseSseText(text).map((message) => message.event);

    it.each([
      ['end', 'seven eight nine'],
      ['early', 'one two three '],
    ] as const)('OpenAI (%s): the answer so far, then [DONE], with no finish chunk and no usage chunk', async (at, last) => {
      sim.setBehaviour('m', { reply, unfinishedStreamRate: 1, unfinishedStreamAt: at });
      const { text, failed } = await readToEnd(await postJson(`${sim.url}/v1/chat/completions`, { ...chatBody('m', true), stream_options: { include_usage: true } }));
      expect(failed).toBe(false);
      const data = openaiStream(text);
      expect(data.at(-1)).toBe('[DONE]');
      const chunks = data.slice(0, -1).map((item) => JSON.parse(item) as { choices: Array<{ delta: { content?: string }; finish_reason: string | null }>; usage?: unknown });
      expect(chunks.every((chunk) => chunk.choices.length === 1 && chunk.choices[0].finish_reason === null && chunk.usage === null)).toBe(true);
      expect(chunks.at(-1)!.choices[0].delta.content).toBe(last);
      expect(sim.stats().byModel.m).toMatchObject({ requests: 1, failed: 1, completed: 0 });
    });

    it('OpenAI (start): [DONE] alone', async () => {
      sim.setBehaviour('m', { unfinishedStreamRate: 1, unfinishedStreamAt: 'start' });
      const { text } = await readToEnd(await postJson(`${sim.url}/v1/chat/completions`, chatBody('m', true)));
      expect(text).toBe('data: [DONE]\n\n');
    });

    it('the openai SDK reads such a stream as a clean end: only the missing finish_reason tells', async () => {
      sim.setBehaviour('m', { reply, unfinishedStreamRate: 1 });
      const client = new OpenAI({ baseURL: sim.url + '/v1', apiKey: 'x', maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hello' }] });
      let text = '';
      const finishes: unknown[] = [];
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finishes.push(chunk.choices[0]?.finish_reason);
      }
      expect(text).toBe(reply);
      expect(finishes.every((finish) => finish === null)).toBe(true);
    });

    it.each([
      ['end', ['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_stop']],
      ['early', ['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_stop', 'message_stop']],
      ['start', ['message_stop']],
    ] as const)('Anthropic (%s): message_stop with no message_delta before it', async (at, events) => {
      sim.setBehaviour('m', { reply, unfinishedStreamRate: 1, unfinishedStreamAt: at });
      const { text, failed } = await readToEnd(await postJson(`${sim.url}/v1/messages`, anthropicBody('m', true)));
      expect(failed).toBe(false);
      expect(anthropicEvents(text)).toEqual(events);
    });

    it.each([
      ['end', 3],
      ['early', 1],
      ['start', 0],
    ] as const)('Gemini (%s): a body that ends cleanly with no finishReason in any chunk', async (at, chunks) => {
      sim.setBehaviour('m', { reply, unfinishedStreamRate: 1, unfinishedStreamAt: at });
      const { text, failed } = await readToEnd(await postJson(`${sim.url}/v1beta/models/m:streamGenerateContent?alt=sse`, { contents: [{ parts: [{ text: 'hello' }] }] }));
      expect(failed).toBe(false);
      const data = parseSseText(text).map((message) => JSON.parse(message.data) as { candidates: Array<{ finishReason?: string }>; usageMetadata: { candidatesTokenCount?: number } });
      expect(data).toHaveLength(chunks);
      for (const chunk of data) {
        expect(chunk.candidates[0].finishReason).toBeUndefined();
        expect(chunk.usageMetadata.candidatesTokenCount).toBeUndefined();
      }
    });
  });

  it('hang never answers; the client aborting is counted as aborted and leaves nothing in flight', async () => {
    sim.setBehaviour('m', { hangRate: 1 });
    const controller = new AbortController();
    const aborted = fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(chatBody('m')), signal: controller.signal }).catch((error: unknown) => error);
    await vi.waitFor(() => expect(sim.stats().inFlight).toBe(1));
    controller.abort();
    expect(await aborted).toBeInstanceOf(Error);
    await vi.waitFor(() => expect(sim.stats().aborted).toBe(1));
    expect(sim.stats()).toMatchObject({ inFlight: 0, byModel: { m: { requests: 1, aborted: 1, completed: 0, failed: 0 } } });
  });

  it('close() ends hung requests too', async () => {
    const hanging = await startSimulator({ defaults: { hangRate: 1 } });
    const pending = postJson(`${hanging.url}/v1/chat/completions`, chatBody('m')).catch((error: unknown) => error);
    await vi.waitFor(() => expect(hanging.stats().inFlight).toBe(1));
    await hanging.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(hanging.stats()).toMatchObject({ inFlight: 0, aborted: 1 });
  });

  it.each([
    ['/v1/chat/completions', chatBody('m'), { error: { type: 'server_error' } }],
    ['/v1/messages', anthropicBody('m'), { type: 'error', error: { type: 'overloaded_error' } }],
    ['/v1beta/models/m:generateContent', { contents: [{ parts: [{ text: 'hello' }] }] }, { error: { code: 503, status: 'UNAVAILABLE' } }],
  ])('down answers %s with 503, Retry-After and the format error shape', async (path, body, shape) => {
    sim.setBehaviour('m', { down: true, retryAfterSeconds: 30 });
    const response = await postJson(sim.url + path, body);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(await response.json()).toMatchObject(shape);
  });

  it('applies faults to embeddings as well', async () => {
    sim.setBehaviour('e', { errorRates: { '429': 1 } });
    const response = await postJson(`${sim.url}/v1/embeddings`, { model: 'e', input: 'x' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
  });
});

describe('latency and pacing', () => {
  it('waits the latency before the answer and paces stream frames by tokensPerSecond, through the injected sleep', async () => {
    const waits: number[] = [];
    const paced = await startSimulator({
      defaults: { latencyMs: { p50: 250, p99: 250 }, tokensPerSecond: 100, replyTokens: 20 },
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    try {
      await postJson(`${paced.url}/v1/chat/completions`, chatBody('m')).then((response) => response.text());
      expect(waits).toEqual([250]);
      waits.length = 0;
      const text = await (await postJson(`${paced.url}/v1/chat/completions`, chatBody('m', true))).text();
      const frames = parseSseText(text).length;
      expect(waits[0]).toBe(250);
      expect(waits.slice(1)).toEqual(Array<number>(frames - 1).fill(frameGapMs(20, frames, 100)));
      expect(waits.slice(1).reduce((sum, ms) => sum + ms, 0)).toBeCloseTo(200);
    } finally {
      await paced.close();
    }
  });

  it('draws lognormal latency from the injected random source', async () => {
    const waits: number[] = [];
    const spec = { p50: 100, p99: 1000 };
    const drawn = await startSimulator({ random: seededRandom(11), defaults: { latencyMs: spec }, sleep: async (ms) => void waits.push(ms) });
    try {
      for (let index = 0; index < 3; index++) await (await postJson(`${drawn.url}/v1/chat/completions`, chatBody('m'))).text();
      const replay = seededRandom(11);
      expect(waits).toEqual([0, 1, 2].map(() => drawLatencyMs(spec, replay)));
    } finally {
      await drawn.close();
    }
  });

  it('counts a client that leaves during the latency as aborted', async () => {
    sim.setBehaviour('slow', { latencyMs: { p50: 600_000, p99: 600_000 } });
    const controller = new AbortController();
    const pending = fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(chatBody('slow')), signal: controller.signal }).catch((error: unknown) => error);
    await vi.waitFor(() => expect(sim.stats().byModel.slow?.requests).toBe(1));
    controller.abort();
    await pending;
    await vi.waitFor(() => expect(sim.stats()).toMatchObject({ aborted: 1, inFlight: 0, byModel: { slow: { aborted: 1 } } }));
  });

  it('counts a client that leaves mid-stream as aborted and stops writing', async () => {
    sim.setBehaviour('trickle', { tokensPerSecond: 0.001 });
    const controller = new AbortController();
    const response = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(chatBody('trickle', true)), signal: controller.signal });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"role":"assistant"');
    controller.abort();
    await vi.waitFor(() => expect(sim.stats()).toMatchObject({ aborted: 1, inFlight: 0, byModel: { trickle: { aborted: 1, completed: 0 } } }));
  });
});

describe('seeded fault draws', () => {
  it('replay the same status sequence for the same seed', async () => {
    const run = async (): Promise<number[]> => {
      const seeded = await startSimulator({ random: seededRandom(99), defaults: { errorRates: { '500': 0.5 } } });
      try {
        const statuses: number[] = [];
        for (let index = 0; index < 16; index++) {
          const response = await postJson(`${seeded.url}/v1/chat/completions`, chatBody('m'));
          await response.text();
          statuses.push(response.status);
        }
        return statuses;
      } finally {
        await seeded.close();
      }
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 500]));
  });
});
