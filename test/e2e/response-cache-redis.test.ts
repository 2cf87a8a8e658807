/**
 * The response cache on Redis: two Junctions sharing one Redis serve each other's answers
 * (the second replica's hit costs no upstream call), and a Junction whose cache Redis is away
 * answers every request from upstream instead of failing.
 */
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJunction, type Junction } from '../../src/app';
import { createLogger } from '../../src/observability/logger';
import { startSimulator, type Simulator } from '../../src/simulator';
import { testConfig } from '../support/harness';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let simulator: Simulator;
const replicas: Junction[] = [];

beforeAll(async () => {
  simulator = await startSimulator({ apiKey: 'test-key' });
});
afterAll(async () => {
  for (const replica of replicas) await replica.close();
  await simulator?.close();
});

async function replica(cache: Record<string, unknown>): Promise<Junction> {
  const config = testConfig(simulator.url, { cache, routes: { cached: { deployments: ['openai-mini'], cache: { ttlSeconds: 60, scope: 'shared' } } } });
  const junction = await startJunction(config, { port: 0, logger: createLogger('silent') });
  replicas.push(junction);
  return junction;
}

const ask = (junction: Junction, content: string) =>
  new OpenAI({ baseURL: `${junction.url}/v1`, apiKey: 'unused', maxRetries: 0 }).chat.completions.create({ model: 'cached', messages: [{ role: 'user', content }] }).withResponse();

describe('response cache on Redis', () => {
  it('one replica serves the answer another replica paid for', async () => {
    const prefix = `junction-test:cache:${randomUUID()}:`;
    const [a, b] = [await replica({ kind: 'redis', url: REDIS_URL, prefix, timeoutMs: 1_000 }), await replica({ kind: 'redis', url: REDIS_URL, prefix, timeoutMs: 1_000 })];
    const before = simulator.stats().requests;
    const paid = await ask(a, 'Shared between replicas?');
    expect(paid.response.headers.get('x-junction-cache')).toBe('miss');
    // The write is fire and forget: wait until Redis has it.
    await expect.poll(async () => ((await fetch(`${b.url}/cache/stats`).then((response) => response.json())) as { entries: number }).entries).toBe(1);
    const served = await ask(b, 'Shared between replicas?');
    expect(served.response.headers.get('x-junction-cache')).toBe('hit');
    expect(served.data.choices[0]!.message.content).toBe(paid.data.choices[0]!.message.content);
    expect(simulator.stats().requests).toBe(before + 1);
    const stats = await fetch(`${b.url}/cache/stats`).then((response) => response.json());
    expect(stats).toMatchObject({ backend: 'redis', hits: 1, misses: 0 });
  });

  it('with its Redis away, every request is answered upstream as a miss, none fails', async () => {
    const junction = await replica({ kind: 'redis', url: 'redis://127.0.0.1:1', timeoutMs: 30 });
    const before = simulator.stats().requests;
    for (let round = 0; round < 2; round++) {
      const answer = await ask(junction, 'Redis is away');
      expect(answer.response.status).toBe(200);
      expect(answer.response.headers.get('x-junction-cache')).toBe('miss');
    }
    expect(simulator.stats().requests).toBe(before + 2);
  });
});
