/**
 * Text to speech end to end: the official `openai` client → Junction → the simulated upstream,
 * over real HTTP. The audio is decoded with a real WAV decoder; routing by language, voice
 * (with fallbacks), tier and latency need; the phrase cache; fallback; the ledger; bad input.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MS_PER_CHARACTER } from '../../src/simulator/speech-audio';
import type { LedgerEntry } from '../../src/ledger/types';
import { startHarness, type Harness } from '../support/harness';
import { decodeWav, speechDeployment } from '../support/speech';

const FAST = { latencyMs: { p50: 2, p99: 4 } };
const speech = speechDeployment;

let harness: Harness;
let client: OpenAI;

beforeAll(async () => {
  harness = await startHarness({
    models: { 'tts-1-hd': FAST, 'tts-1': FAST, 'tts-de': FAST, 'tts-broken': { ...FAST, errorRates: { 500: 1 } } },
    deployments: {
      'tts-hd': speech('tts-1-hd', 30, { languages: ['en', 'fr', 'es'], voices: ['alloy', 'nova', 'shimmer'], tier: 'hd', latencyMs: 900 }),
      'tts-std': speech('tts-1', 15, { languages: ['en', 'fr'], voices: ['alloy', 'echo'], tier: 'standard', latencyMs: 300 }),
      'tts-de': speech('tts-de', 10, { languages: ['de'], voices: ['alloy'], tier: 'standard', latencyMs: 400 }),
      'tts-broken': speech('tts-broken', 1, { languages: ['*'], voices: ['alloy', 'echo'], latencyMs: 100 }),
    },
    routes: {
      tts: { deployments: ['tts-hd', 'tts-std', 'tts-de'], speech: { voiceFallbacks: { echo: ['alloy'], nova: ['shimmer', 'alloy'] } }, cache: { ttlSeconds: 60, scope: 'shared' } },
      'tts-fallback': { deployments: ['tts-broken', 'tts-std'], retry: { attempts: 0 } },
    },
  });
  client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'caller-key', maxRetries: 0 });
});
afterAll(() => harness.close());
// No health history: realtime ordering starts from the configured latencies.
beforeEach(() => harness.reset());

async function entryOf(requestId: string): Promise<LedgerEntry> {
  const rows = await harness.junction.ledger.query({ limit: 500 });
  const entry = rows.find((row) => row.requestId === requestId);
  expect(entry, requestId).toBeDefined();
  return entry!;
}

async function say(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${harness.url}/v1/audio/speech`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: 'tts', voice: 'alloy', response_format: 'wav', ...body }) });
}

describe('POST /v1/audio/speech with the official openai client', () => {
  it('answers a WAV file a decoder opens, 24 kHz mono 16-bit, as long as the text, and one ledger row priced per character', async () => {
    const input = 'The quarterly report is ready for your review.';
    const response = await client.audio.speech.create({ model: 'tts', voice: 'alloy', input, response_format: 'wav' });
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(response.headers.get('x-junction-deployment')).toBe('tts-hd');
    expect(response.headers.get('x-junction-language')).toBe('en');
    expect(response.headers.get('x-junction-voice')).toBe('alloy');
    const audio = decodeWav(await response.arrayBuffer());
    expect(audio).toMatchObject({ sampleRate: 24_000, channels: 1, bits: 16 });
    expect(audio.seconds).toBeCloseTo((input.length * MS_PER_CHARACTER) / 1000, 2);
    expect(Math.max(...audio.samples.map(Math.abs))).toBeGreaterThan(3_000);

    const entry = await entryOf(response.headers.get('x-request-id')!);
    expect(entry).toMatchObject({ endpoint: 'speech', route: 'tts', deployment: 'tts-hd', model: 'tts-1-hd', status: 200, inputTokens: input.length, outputTokens: 0 });
    expect(entry.costUsd).toBeCloseTo((input.length * 30) / 1_000_000, 12);
    expect(response.headers.get('x-junction-cost-usd')).toBe(((input.length * 30) / 1_000_000).toFixed(8));
  });

  it('serves pcm as the raw samples, and the route’s default format (wav) when none is asked', async () => {
    const pcm = await client.audio.speech.create({ model: 'tts', voice: 'alloy', input: 'Ten chars!', response_format: 'pcm', speed: 2 });
    expect(pcm.headers.get('content-type')).toBe('audio/pcm');
    expect((await pcm.arrayBuffer()).byteLength).toBe(10 * Math.round((24_000 * MS_PER_CHARACTER) / 1000 / 2) * 2);
    const plain = await client.audio.speech.create({ model: 'tts', voice: 'alloy', input: 'No format named here.' });
    expect(plain.headers.get('content-type')).toBe('audio/wav');
    expect(decodeWav(await plain.arrayBuffer()).sampleRate).toBe(24_000);
  });

  it('refuses mp3 on a route that cannot make it, naming wav and pcm, in OpenAI’s error shape', async () => {
    const refused = await client.audio.speech.create({ model: 'tts', voice: 'alloy', input: 'Hello', response_format: 'mp3' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect(refused).toMatchObject({ status: 400, code: 'audio_format_unsupported', param: 'response_format' });
    expect((refused as Error).message).toContain('wav and pcm');
  });
});

describe('speech routing', () => {
  it('routes by the language of the text: German goes to the one deployment that speaks it', async () => {
    const response = await say({ input: 'Guten Tag, wie geht es Ihnen? Ich bin nicht zu Hause, bitte rufen Sie später an.' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-junction-language')).toBe('de');
    expect(response.headers.get('x-junction-deployment')).toBe('tts-de');
  });

  it('takes the language from x-junction-language or the body over the guess', async () => {
    const byHeader = await say({ input: 'Hello and welcome.' }, { 'x-junction-language': 'es' });
    expect([byHeader.headers.get('x-junction-language'), byHeader.headers.get('x-junction-deployment')]).toEqual(['es', 'tts-hd']);
    const byBody = await say({ input: 'Hello and welcome.', language: 'de-AT' });
    expect([byBody.headers.get('x-junction-language'), byBody.headers.get('x-junction-deployment')]).toEqual(['de', 'tts-de']);
  });

  it('prefers a deployment with the voice asked for, and speaks a fallback voice where it must', async () => {
    const exact = await say({ input: 'Your order has shipped.', voice: 'echo' });
    expect([exact.headers.get('x-junction-deployment'), exact.headers.get('x-junction-voice')]).toEqual(['tts-std', 'echo']);
    const fallback = await say({ input: 'Your order has shipped.', voice: 'echo' }, { 'x-junction-exclude': 'tts-std', 'x-junction-cache': 'bypass' });
    expect([fallback.headers.get('x-junction-deployment'), fallback.headers.get('x-junction-voice')]).toEqual(['tts-hd', 'alloy']);
    expect(harness.simulator.received().at(-1)!.body).toMatchObject({ model: 'tts-1-hd', voice: 'alloy', response_format: 'wav' });
  });

  it('honours a quality tier: hd only, with the fallback voice', async () => {
    const response = await say({ input: 'Welcome to the premium line.', voice: 'echo' }, { 'x-junction-speech-tier': 'hd' });
    expect([response.headers.get('x-junction-deployment'), response.headers.get('x-junction-voice')]).toEqual(['tts-hd', 'alloy']);
  });

  it('sends a real-time request to the fastest adequate voice', async () => {
    const response = await say({ input: 'Connecting you now.' }, { 'x-junction-latency': 'realtime' });
    expect(response.headers.get('x-junction-deployment')).toBe('tts-std');
    const entry = await entryOf(response.headers.get('x-request-id')!);
    expect(entry.decisionReason).toContain('realtime, fastest first: tts-std ~300 ms, tts-hd ~900 ms');
  });

  it('falls back when a deployment fails: the ledger has both attempts, the caller the audio', async () => {
    const response = await say({ model: 'tts-fallback', input: 'Please hold the line.' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-junction-deployment')).toBe('tts-std');
    expect(response.headers.get('x-junction-attempts')).toBe('2');
    expect(decodeWav(await response.arrayBuffer()).channels).toBe(1);
    const entry = await entryOf(response.headers.get('x-request-id')!);
    expect(entry.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.errorCode ?? null])).toEqual([
      ['tts-broken', 'error', 'upstream_server_error'],
      ['tts-std', 'success', null],
    ]);
    expect(entry.costUsd).toBeCloseTo((21 * 15) / 1_000_000, 12);
  });
});

describe('the phrase cache', () => {
  it('serves a common phrase again as the same audio, at no cost, with what it saved in the ledger', async () => {
    const input = 'Thank you for calling. Your call is important to us.';
    const first = await say({ input, voice: 'nova' });
    expect(first.headers.get('x-junction-cache')).toBe('miss');
    const firstAudio = Buffer.from(await first.arrayBuffer());
    const upstreamCalls = harness.simulator.received().length;

    const second = await client.audio.speech.create({ model: 'tts', voice: 'nova', input, response_format: 'wav' });
    expect(second.headers.get('x-junction-cache')).toBe('hit');
    expect(Buffer.from(await second.arrayBuffer()).equals(firstAudio)).toBe(true);
    expect(harness.simulator.received()).toHaveLength(upstreamCalls);

    const paid = (input.length * 30) / 1_000_000;
    const entry = await entryOf(second.headers.get('x-request-id')!);
    expect(entry).toMatchObject({ endpoint: 'speech', status: 200, costUsd: 0, cacheHit: 'exact' });
    expect(entry.costSavedUsd).toBeCloseTo(paid, 12);
    expect(second.headers.get('x-junction-cost-saved-usd')).toBe(paid.toFixed(8));
  });

  it('keys phrases by voice, format and speed, and leaves long texts alone', async () => {
    const input = 'Goodbye and have a nice day.';
    await say({ input });
    expect((await say({ input, voice: 'nova' })).headers.get('x-junction-cache')).toBe('miss');
    expect((await say({ input, response_format: 'pcm' })).headers.get('x-junction-cache')).toBe('miss');
    expect((await say({ input, speed: 1.5 })).headers.get('x-junction-cache')).toBe('miss');
    expect((await say({ input })).headers.get('x-junction-cache')).toBe('hit');
    const long = 'This sentence is long. '.repeat(10);
    await say({ input: long });
    expect((await say({ input: long })).headers.get('x-junction-cache')).toBeNull();
  });
});

describe('bad requests', () => {
  it.each([
    ['an empty input', { input: '' }, 'invalid_request', 'input'],
    ['an input over 4096 characters', { input: 'a'.repeat(4_097) }, 'invalid_request', 'input'],
    ['no voice', { voice: undefined, input: 'hi' }, 'invalid_request', 'voice'],
    ['a speed out of range', { input: 'hi', speed: 5 }, 'invalid_request', 'speed'],
    ['an unknown format', { input: 'hi', response_format: 'ogg' }, 'invalid_request', 'response_format'],
    ['a voice no deployment has', { input: 'Hello there.', voice: 'marvin' }, 'capability_unsupported', null],
    ['a language no deployment speaks', { input: 'Hello there.', language: 'ja' }, 'capability_unsupported', null],
    ['a chat route', { model: 'to-openai', input: 'Hello there.' }, 'capability_unsupported', null],
    ['server-sent events', { input: 'Hello there.', stream_format: 'sse' }, 'invalid_request', 'stream_format'],
  ])('%s: 400 in OpenAI’s shape, and a ledger row', async (_name, body, code, param) => {
    const response = await say(body);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { error: { code: string; param: string | null; type: string } }).error;
    expect(error).toMatchObject({ code, param, type: 'invalid_request_error' });
    const entry = await entryOf(response.headers.get('x-request-id')!);
    expect(entry).toMatchObject({ endpoint: 'speech', status: 400, errorCode: code, costUsd: 0 });
  });

  it('refuses an x-junction-latency or x-junction-speech-tier it cannot mean', async () => {
    const refused: Array<Record<string, string>> = [{ 'x-junction-latency': 'instant' }, { 'x-junction-speech-tier': 'ultra' }, { 'x-junction-language': 'english please' }];
    for (const headers of refused) {
      const response = await say({ input: 'Hello.' }, headers);
      expect(response.status, JSON.stringify(headers)).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toBe(Object.keys(headers)[0]);
    }
  });
});
