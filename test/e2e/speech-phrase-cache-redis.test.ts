/**
 * The phrase cache on Redis: two Junctions sharing one Redis serve each other's phrases, so the
 * second replica's hit calls no upstream and costs nothing, with the same audio bytes.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJunction, type Junction } from '../../src/app';
import { createLogger } from '../../src/observability/logger';
import { startSimulator, type Simulator } from '../../src/simulator';
import { testConfig } from '../support/harness';
import { decodeWav, speechDeployment } from '../support/speech';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let simulator: Simulator;
const replicas: Junction[] = [];

beforeAll(async () => {
  simulator = await startSimulator({ apiKey: 'test-key', models: { 'tts-1': { latencyMs: { p50: 2, p99: 4 } } } });
});
afterAll(async () => {
  for (const replica of replicas) await replica.close();
  await simulator?.close();
});

async function replica(prefix: string): Promise<Junction> {
  const config = testConfig(simulator.url, {
    cache: { kind: 'redis', url: REDIS_URL, prefix, timeoutMs: 1_000 },
    deployments: { tts: speechDeployment('tts-1', 15, { voices: ['alloy'] }) },
    routes: { tts: { deployments: ['tts'], cache: { ttlSeconds: 60, scope: 'shared' } } },
  });
  const junction = await startJunction(config, { port: 0, logger: createLogger('silent') });
  replicas.push(junction);
  return junction;
}

const speak = (junction: Junction, input: string) =>
  new OpenAI({ baseURL: `${junction.url}/v1`, apiKey: 'unused', maxRetries: 0 }).audio.speech.create({ model: 'tts', voice: 'alloy', input, response_format: 'wav' });

describe('phrase cache on Redis', () => {
  it('one replica serves the audio another replica paid for', async () => {
    const prefix = `junction-test:cache:${randomUUID()}:`;
    const [a, b] = [await replica(prefix), await replica(prefix)];
    const input = 'Please wait while we connect you.';
    const first = await speak(a, input);
    expect(first.headers.get('x-junction-cache')).toBe('miss');
    const audio = Buffer.from(await first.arrayBuffer());
    const calls = simulator.received().length;
    // Writes to Redis are fire and forget: wait until the first one has landed.
    const redis = new Redis(REDIS_URL);
    for (let tries = 0; (await redis.keys(`${prefix}*`)).length === 0 && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
    await redis.quit();
    const second = await speak(b, input);
    expect(second.headers.get('x-junction-cache')).toBe('hit');
    expect(second.headers.get('x-junction-cost-usd')).toBe('0.00000000');
    const served = Buffer.from(await second.arrayBuffer());
    expect(served.equals(audio)).toBe(true);
    expect(decodeWav(served).sampleRate).toBe(24_000);
    expect(simulator.received()).toHaveLength(calls);
    await Promise.all([a.close(), b.close()]);
    replicas.length = 0;
  });
});
