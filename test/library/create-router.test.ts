/**
 * Junction in-process: createRouter runs the same pipeline as the gateway against the simulated
 * upstreams over real HTTP, with canonical requests in and out.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, createRouter, type Router, type StreamEvent } from '../../src/index';
import { createMemoryLedger } from '../../src/ledger/memory-ledger';
import { startSimulator, type Simulator } from '../../src/simulator';
import { until } from '../support/until';

let simulator: Simulator;
let router: Router;
const ledger = createMemoryLedger();

beforeAll(async () => {
  simulator = await startSimulator({ apiKey: 'test-key', models: { slow: { latencyMs: { p50: 5_000, p99: 5_000 } }, trickle: { tokensPerSecond: 20, replyTokens: 200 } } });
  const provider = (kind: string, path: string) => ({ kind, baseUrl: simulator.url + path, apiKey: 'test-key' });
  router = createRouter(
    {
      providers: { openai: provider('openai', '/v1'), anthropic: provider('anthropic', '/v1') },
      deployments: {
        mini: { provider: 'openai', model: 'gpt-4o-mini', pricing: { input: 1, output: 2 }, contextWindow: 128_000, capabilities: ['chat', 'streaming'] },
        haiku: { provider: 'anthropic', model: 'claude-haiku', pricing: { input: 1, output: 2 }, contextWindow: 200_000, capabilities: ['chat', 'streaming'] },
        slow: { provider: 'openai', model: 'slow', pricing: { input: 1, output: 2 }, contextWindow: 128_000, capabilities: ['chat', 'streaming'] },
        trickle: { provider: 'openai', model: 'trickle', pricing: { input: 1, output: 2 }, contextWindow: 128_000, capabilities: ['chat', 'streaming'] },
        embed: { provider: 'openai', model: 'text-embedding-3-small', pricing: { input: 0.02, output: 0 }, contextWindow: 8_192, capabilities: ['embeddings'] },
      },
      routes: {
        chat: { deployments: ['haiku', 'mini'] },
        slow: { deployments: ['slow'] },
        trickle: { deployments: ['trickle'] },
        embeddings: { deployments: ['embed'] },
        auto: { strategy: 'auto', strategyOptions: { auto: { mode: 'complexity' } }, deployments: ['haiku', 'mini'] },
        cached: { deployments: ['mini'], cache: { ttlSeconds: 60 } },
      },
    },
    { ledger },
  );
});
afterAll(async () => {
  await router.close();
  await simulator.close();
});
beforeEach(() => simulator.reset());

const hello = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hello' }] }];

describe('createRouter', () => {
  it('answers a chat through the route, falling back as the gateway does, and records it as a library call', async () => {
    simulator.setBehaviour('claude-haiku', { down: true });
    const { response, outcome } = await router.chat({ model: 'chat', messages: hello }, { requestId: 'lib-1' });
    expect(response.text.length).toBeGreaterThan(0);
    expect(outcome).toMatchObject({ route: 'chat', deployment: 'mini', attempts: 2 });
    const [row] = await ledger.query({ route: 'chat', limit: 1 });
    expect(row).toMatchObject({ requestId: 'lib-1', ingress: 'library', status: 200, deployment: 'mini' });
  });

  it('streams canonical events, ending with the finish and its usage', async () => {
    const events: StreamEvent[] = [];
    for await (const event of router.stream({ model: 'chat', messages: hello })) events.push(event);
    expect(events[0].type).toBe('start');
    const finish = events.at(-1)!;
    expect(finish).toMatchObject({ type: 'finish', finishReason: { unified: 'stop' } });
    expect(finish.type === 'finish' && finish.usage!.outputTokens).toBeGreaterThan(0);
  });

  it('throws a stream’s error from the iterator', async () => {
    simulator.setBehaviour('claude-haiku', { down: true });
    simulator.setBehaviour('gpt-4o-mini', { down: true });
    const reading = (async () => {
      for await (const _event of router.stream({ model: 'chat', messages: hello })) void _event;
    })();
    await expect(reading).rejects.toMatchObject({ code: 'all_deployments_failed' });
  });

  it('a reader that stops early cancels the upstream request', async () => {
    for await (const event of router.stream({ model: 'trickle', messages: hello })) if (event.type === 'text-delta') break;
    await until(() => simulator.stats().aborted === 1, 'the upstream request to be aborted');
  });

  it('an aborted signal cancels the call and its upstream attempt', async () => {
    const controller = new AbortController();
    const call = router.chat({ model: 'slow', messages: hello }, { signal: controller.signal });
    await until(() => simulator.stats().inFlight === 1, 'the upstream request');
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'client_closed' });
    await until(() => simulator.stats().aborted === 1, 'the upstream request to be aborted');
  });

  it('embeds, and serves the operations the HTTP API serves', async () => {
    const { response } = await router.embeddings({ model: 'embeddings', input: ['one', 'two'] });
    expect(response.embeddings).toHaveLength(2);
    const preview = router.operations.preview({ model: 'chat', stream: false, messages: hello });
    expect(preview.plan.map((step) => step.deployment)).toEqual(['haiku', 'mini']);
    expect(router.operations.routes().map((route) => route.name)).toEqual(['chat', 'slow', 'trickle', 'embeddings', 'auto', 'cached']);
    expect(router.operations.status('mini')).toHaveLength(1);
  });

  it('auto-routes, explains the decision in the outcome’s ledger row, and takes feedback in process', async () => {
    const { outcome } = await router.chat({ model: 'auto', messages: hello }, { requestId: 'lib-auto' });
    // Equal prices and abilities: the listed order breaks the tie.
    expect(outcome).toMatchObject({ route: 'auto', strategy: 'auto', deployment: 'haiku' });
    const [row] = await ledger.query({ route: 'auto', limit: 1 });
    expect(row?.auto).toMatchObject({ mode: 'complexity', decidedBy: 'complexity', pattern: 'chat' });
    // The whole decision reaches the in-process caller; the row keeps its compact form.
    expect(outcome.auto).toMatchObject({ mode: 'complexity', decidedBy: 'complexity', pattern: 'chat', confidence: { score: row!.auto!.confidence } });
    expect(outcome.auto!.candidates[0]).toMatchObject({ deployment: 'haiku', quality: row!.auto!.predictedQuality });
    expect(router.learning.feedback({ requestId: 'lib-auto', score: 0.25 }, undefined)).toMatchObject({ deployment: 'haiku', score: 0.25 });
    expect(router.learning.qualityStats().feedback).toEqual({ count: 1, meanScore: 0.25 });
  });

  it('refuses an invalid config with a ConfigError naming the path', () => {
    expect(() => createRouter({ providers: {}, deployments: {}, routes: { chat: { deployments: ['missing'] } } })).toThrow(ConfigError);
  });
});

describe('response cache in process', () => {
  it('serves a route with a cache section from memory: the second call is a hit, nothing sent upstream, cost 0', async () => {
    const request = { model: 'cached', messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Cached in process?' }] }] };
    const first = await router.chat(request);
    const calls = simulator.stats().requests;
    const second = await router.chat(request);
    expect(second.outcome).toMatchObject({ cached: true, attempts: 0, costUsd: 0 });
    expect(second.response.text).toBe(first.response.text);
    expect(simulator.stats().requests).toBe(calls);
    const events: StreamEvent[] = [];
    for await (const event of router.stream(request)) events.push(event);
    expect(events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('')).toBe(first.response.text);
    expect(simulator.stats().requests).toBe(calls);
  });
});
