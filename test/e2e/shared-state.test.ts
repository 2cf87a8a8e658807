/**
 * Two Junction replicas with `state: { kind: redis }` on the real Redis and one simulated
 * upstream: what one replica learns about a failing deployment changes how the other routes.
 */
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJunction, type Junction } from '../../src/app';
import { createLogger } from '../../src/observability/logger';
import { startSimulator, type Simulator } from '../../src/simulator';
import { testConfig } from '../support/harness';
import { until } from '../support/until';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const hello = [{ role: 'user' as const, content: 'Hello' }];

let simulator: Simulator;
let replicas: Junction[];

beforeAll(async () => {
  simulator = await startSimulator({ apiKey: 'test-key' });
  const config = testConfig(simulator.url, { state: { kind: 'redis', url: REDIS_URL, prefix: `junction-test:${randomUUID()}:` } });
  replicas = await Promise.all([0, 1].map(() => startJunction(config, { port: 0, logger: createLogger('silent') })));
});
afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
  await simulator.close();
});


describe('replicas sharing state through Redis', () => {
  it('routes around a deployment whose breaker another replica opened, without trying it', async () => {
    const [a, b] = replicas;
    const clientA = new OpenAI({ baseURL: `${a.url}/v1`, apiKey: 'caller-key', maxRetries: 0 });
    const clientB = new OpenAI({ baseURL: `${b.url}/v1`, apiKey: 'caller-key', maxRetries: 0 });
    simulator.setBehaviour('gpt-4o', { errorRates: { '500': 1 } });

    const isOpen = (replica: Junction) => replica.services.store.snapshot('openai-big', Date.now()).breaker.status === 'open';
    for (let request = 0; request < 10 && !isOpen(a); request += 1) {
      const { response } = await clientA.chat.completions.create({ model: 'failover', messages: hello }).withResponse();
      expect(response.headers.get('x-junction-deployment')).toBe('anthropic-haiku');
    }
    expect(isOpen(a)).toBe(true);
    await until(() => isOpen(b), 'replica B sees the open breaker');

    const triedBefore = simulator.stats().byModel['gpt-4o'].requests;
    const { response } = await clientB.chat.completions.create({ model: 'failover', messages: hello }).withResponse();
    expect(response.headers.get('x-junction-deployment')).toBe('anthropic-haiku');
    expect(response.headers.get('x-junction-attempts')).toBe('1');
    expect(simulator.stats().byModel['gpt-4o'].requests).toBe(triedBefore);
  });
});
