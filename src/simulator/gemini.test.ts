import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSseText } from '../wire/sse';
import { seededRandom } from '../resilience/random';
import { countTokens } from './reply';
import { startSimulator } from './server';
import type { Simulator } from './server';
import { postJson } from './test-helpers';

interface GeminiPart {
  text?: string;
  functionCall?: { name: string; args: unknown };
  thoughtSignature?: string;
}
interface GeminiResponse {
  candidates: Array<{ content: { parts: GeminiPart[]; role: string }; finishReason?: string; index: number }>;
  usageMetadata: { promptTokenCount: number; candidatesTokenCount?: number; totalTokenCount: number };
  modelVersion: string;
}

const MODEL = 'gemini-2.0-flash';
const request = {
  systemInstruction: { parts: [{ text: 'Be brief.' }] },
  contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
};
const weatherTools = [
  { functionDeclarations: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' }, days: { type: 'INTEGER' } }, required: ['city', 'days'] } }] },
];

let sim: Simulator;
const url = (method: string, query = ''): string => `${sim.url}/v1beta/models/${MODEL}:${method}${query}`;
const textOf = (response: GeminiResponse): string => response.candidates[0].content.parts.map((part) => part.text ?? '').join('');

beforeAll(async () => {
  sim = await startSimulator({ random: seededRandom(3) });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('Gemini generateContent', () => {
  it('answers with a model candidate and usageMetadata that matches the stats', async () => {
    const response = await postJson(url('generateContent'), request);
    expect(response.status).toBe(200);
    const body = (await response.json()) as GeminiResponse;
    const text = textOf(body);
    expect(body.candidates[0]).toMatchObject({ content: { role: 'model' }, finishReason: 'STOP', index: 0 });
    expect(text).toMatch(/^Simulated reply from gemini-2.0-flash:/);
    expect(body.modelVersion).toBe(MODEL);
    expect(body.usageMetadata).toMatchObject({ promptTokenCount: countTokens('Be brief.\nSay hello'), candidatesTokenCount: countTokens(text) });
    expect(body.usageMetadata.totalTokenCount).toBe(body.usageMetadata.promptTokenCount + body.usageMetadata.candidatesTokenCount!);
    expect(sim.stats().byModel[MODEL]).toMatchObject({ completed: 1, inputTokens: body.usageMetadata.promptTokenCount, outputTokens: body.usageMetadata.candidatesTokenCount });
  });

  it('answers with a functionCall holding the required arguments', async () => {
    const response = await postJson(url('generateContent'), { ...request, tools: weatherTools });
    const body = (await response.json()) as GeminiResponse;
    expect(body.candidates[0].content.parts).toEqual([{ functionCall: { name: 'get_weather', args: { city: 'example', days: 1 } }, thoughtSignature: expect.any(String) }]);
    expect(body.candidates[0].finishReason).toBe('STOP');
  });

  describe('thought signatures, checked as Gemini 3 does', () => {
    const call = { name: 'get_weather', args: { city: 'Paris', days: 1 } };
    const result = { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temperature: 21 } } }] };
    const withStep = (step: object, earlier: unknown[] = []) => ({
      ...request,
      tools: weatherTools,
      contents: [...earlier, ...request.contents, { role: 'model', parts: [step] }, result],
    });

    it('accepts a step that comes back with the signature it was given', async () => {
      const first = (await (await postJson(url('generateContent'), { ...request, tools: weatherTools })).json()) as GeminiResponse;
      const signed = first.candidates[0].content.parts[0];
      const response = await postJson(url('generateContent'), withStep(signed));
      expect(response.status).toBe(200);
    });

    it.each(['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go'])('accepts the stand-in %s', async (signature) => {
      expect((await postJson(url('generateContent'), withStep({ functionCall: call, thoughtSignature: signature }))).status).toBe(200);
    });

    it.each([
      ['missing', { functionCall: call }, /missing a thought_signature/],
      ['not one it issued', { functionCall: call, thoughtSignature: Buffer.from('forged').toString('base64') }, /did not issue/],
    ])('answers 400 INVALID_ARGUMENT when the current step\'s signature is %s', async (_name, step, message) => {
      const response = await postJson(url('generateContent'), withStep(step));
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { status: string; message: string } };
      expect(body.error.status).toBe('INVALID_ARGUMENT');
      expect(body.error.message).toMatch(message);
    });

    it('does not check steps of earlier turns', async () => {
      const earlier = [{ role: 'user', parts: [{ text: 'Earlier question' }] }, { role: 'model', parts: [{ functionCall: call }] }, result, { role: 'model', parts: [{ text: 'It was 21.' }] }];
      const signed = { functionCall: call, thoughtSignature: 'skip_thought_signature_validator' };
      expect((await postJson(url('generateContent'), withStep(signed, earlier))).status).toBe(200);
    });
  });

  it.each([
    ['mode NONE', { tools: weatherTools, toolConfig: { functionCallingConfig: { mode: 'NONE' } } }],
    ['a function response last', { tools: weatherTools, contents: [...request.contents, { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris', days: 1 } }, thoughtSignature: 'skip_thought_signature_validator' }] }, { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temperature: 21 } } }] }] }],
  ])('answers in text with %s', async (_name, extra) => {
    const response = await postJson(url('generateContent'), { ...request, ...extra });
    const body = (await response.json()) as GeminiResponse;
    expect(textOf(body)).toMatch(/^Simulated reply/);
  });

  it('finishes with MAX_TOKENS when maxOutputTokens cuts the reply', async () => {
    const response = await postJson(url('generateContent'), { ...request, generationConfig: { maxOutputTokens: 2 } });
    const body = (await response.json()) as GeminiResponse;
    expect(body.candidates[0].finishReason).toBe('MAX_TOKENS');
    expect(body.usageMetadata.candidatesTokenCount).toBe(2);
  });
});

describe('Gemini streamGenerateContent', () => {
  it('streams SSE chunks with alt=sse whose text reassembles to the plain reply, usage on the last', async () => {
    const plain = (await (await postJson(url('generateContent'), request)).json()) as GeminiResponse;
    const response = await postJson(url('streamGenerateContent', '?alt=sse'), request);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const chunks = parseSseText(await response.text()).map((message) => JSON.parse(message.data) as GeminiResponse);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map(textOf).join('')).toBe(textOf(plain));
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates[0].finishReason === undefined)).toBe(true);
    expect(chunks.at(-1)!.candidates[0].finishReason).toBe('STOP');
    expect(chunks.at(-1)!.usageMetadata).toEqual(plain.usageMetadata);
  });

  it('streams one JSON array without alt=sse', async () => {
    const response = await postJson(url('streamGenerateContent'), request);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const chunks = (await response.json()) as GeminiResponse[];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.at(-1)!.candidates[0].finishReason).toBe('STOP');
  });

  it('streams a function call whole in one chunk', async () => {
    const response = await postJson(url('streamGenerateContent', '?alt=sse'), { ...request, tools: weatherTools });
    const chunks = parseSseText(await response.text()).map((message) => JSON.parse(message.data) as GeminiResponse);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].candidates[0].content.parts[0].functionCall).toEqual({ name: 'get_weather', args: { city: 'example', days: 1 } });
  });
});

describe('Gemini batchEmbedContents', () => {
  it('returns one deterministic vector per request, honouring outputDimensionality', async () => {
    const body = {
      requests: [
        { model: `models/${MODEL}`, content: { parts: [{ text: 'first text' }] } },
        { model: `models/${MODEL}`, content: { parts: [{ text: 'second text' }] }, outputDimensionality: 16 },
      ],
    };
    const first = (await (await postJson(url('batchEmbedContents'), body)).json()) as { embeddings: Array<{ values: number[] }> };
    const second = (await (await postJson(url('batchEmbedContents'), body)).json()) as { embeddings: Array<{ values: number[] }> };
    expect(first.embeddings.map((embedding) => embedding.values.length)).toEqual([8, 16]);
    expect(second).toEqual(first);
    expect(sim.stats().byModel[MODEL].inputTokens).toBe(2 * (countTokens('first text') + countTokens('second text')));
  });
});

describe('Gemini errors and credentials', () => {
  it.each([
    [429, 'RESOURCE_EXHAUSTED', '1'],
    [500, 'INTERNAL', null],
    [503, 'UNAVAILABLE', '1'],
  ])('errorRates %i answers in Google error shape with status %s', async (code, status, retryAfter) => {
    sim.setBehaviour(MODEL, { errorRates: { [code]: 1 } });
    const response = await postJson(url('generateContent'), request);
    expect(response.status).toBe(code);
    expect(response.headers.get('retry-after')).toBe(retryAfter);
    expect(await response.json()).toEqual({ error: { code, message: expect.any(String), status } });
  });

  it('reports an over-long prompt as Gemini does', async () => {
    sim.setBehaviour(MODEL, { contextWindow: 2 });
    const response = await postJson(url('generateContent'), request);
    expect(response.status).toBe(400);
    const prompt = countTokens('Be brief.\nSay hello');
    expect(await response.json()).toEqual({ error: { code: 400, status: 'INVALID_ARGUMENT', message: `The input token count (${prompt}) exceeds the maximum number of tokens allowed (2).` } });
  });

  it('answers a request without contents with INVALID_ARGUMENT', async () => {
    const response = await postJson(url('generateContent'), { generationConfig: {} });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
  });

  it('accepts the key as x-goog-api-key or ?key= and rejects anything else with 401', async () => {
    const guarded = await startSimulator({ apiKey: 'g-key' });
    try {
      const base = `${guarded.url}/v1beta/models/${MODEL}:generateContent`;
      expect((await postJson(base, request, { 'x-goog-api-key': 'g-key' })).status).toBe(200);
      expect((await postJson(`${base}?key=g-key`, request)).status).toBe(200);
      const rejected = await postJson(`${base}?key=other`, request);
      expect(rejected.status).toBe(401);
      expect(await rejected.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    } finally {
      await guarded.close();
    }
  });
});
