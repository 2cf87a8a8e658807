/** Text to speech in-process: `router.speech()` routes, falls back and records like the HTTP endpoint. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../src/library/create-router';
import { createMemoryLedger } from '../../src/ledger';
import { startSimulator, type Simulator } from '../../src/simulator';
import { decodeWav } from '../support/speech';

let simulator: Simulator;
let router: Router;
const ledger = createMemoryLedger();

beforeAll(async () => {
  simulator = await startSimulator({ apiKey: 'test-key', models: { 'tts-down': { down: true } } });
  const tts = (model: string) => ({ provider: 'openai', model, pricing: { input: 15, output: 0 }, contextWindow: 4_096, capabilities: ['speech'], speech: { voices: ['alloy'], formats: ['wav', 'pcm'] } });
  router = createRouter(
    {
      providers: { openai: { kind: 'openai', baseUrl: `${simulator.url}/v1`, apiKey: 'test-key' } },
      deployments: { down: tts('tts-down'), up: tts('tts-1') },
      routes: { tts: { deployments: ['down', 'up'], retry: { attempts: 0 } } },
    },
    { ledger },
  );
});
afterAll(async () => {
  await router.close();
  await simulator.close();
});

describe('router.speech', () => {
  it('answers audio from the deployment that could, and records a library call priced per character', async () => {
    const { response, outcome } = await router.speech({ model: 'tts', input: 'In process.', voice: 'alloy', format: 'wav' });
    expect(outcome).toMatchObject({ route: 'tts', deployment: 'up', attempts: 2 });
    expect(response).toMatchObject({ contentType: 'audio/wav', format: 'wav', voice: 'alloy', model: 'tts-1', usage: { inputTokens: 11, outputTokens: 0 } });
    expect(decodeWav(response.audio)).toMatchObject({ sampleRate: 24_000, channels: 1 });
    await ledger.flush();
    const [entry] = await ledger.query({ limit: 10 });
    expect(entry).toMatchObject({ ingress: 'library', endpoint: 'speech', deployment: 'up', inputTokens: 11, status: 200 });
    expect(entry!.costUsd).toBeCloseTo((11 * 15) / 1_000_000, 12);
  });
});
