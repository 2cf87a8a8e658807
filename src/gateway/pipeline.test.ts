/**
 * The pipeline's stage contract, against the simulated upstream over real HTTP: the order the
 * stages run in, what a refusing stage costs (no upstream call, one ledger entry), that an
 * admission is settled exactly once with the real cost however the request ends, and that a
 * cache hit is served (whole or streamed) without paying for it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest, ChatResponse, StreamEvent } from '../canonical/types';
import { configFromObject } from '../config';
import { JunctionError } from '../errors';
import type { LedgerEntry } from '../ledger/types';
import { breakerPolicyFor } from '../routing/breaker-policies';
import { startSimulator, type Simulator } from '../simulator';
import { createMemoryStateStore } from '../state';
import type { RequestContext } from './context';
import { GatewayEvents } from './events';
import { Cancel } from './execution/cancel';
import { Pipeline } from './pipeline';
import { announceBreakerChanges, createServices, type GatewayServices } from './services';
import type { StreamSink, StreamStart } from './chat/stream-sink';
import type { PipelineStages } from './stages';

let simulator: Simulator;
beforeAll(async () => {
  simulator = await startSimulator({ apiKey: 'test-key' });
});
afterAll(() => simulator.close());
beforeEach(() => simulator.reset());

const services: GatewayServices[] = [];
afterAll(() => Promise.all(services.map((service) => service.client.close())));

function pipelineWith(stages: Partial<PipelineStages>): { pipeline: Pipeline; entries: LedgerEntry[] } {
  const config = configFromObject({
    providers: { sim: { kind: 'openai', baseUrl: `${simulator.url}/v1`, apiKey: 'test-key' } },
    deployments: {
      mini: { provider: 'sim', model: 'gpt-4o-mini', pricing: { input: 1, output: 2 }, contextWindow: 128_000, capabilities: ['chat', 'streaming'] },
      big: { provider: 'sim', model: 'gpt-4o', pricing: { input: 1, output: 2 }, contextWindow: 128_000, capabilities: ['chat', 'streaming'] },
    },
    routes: { chat: { deployments: ['mini'] }, fallback: { deployments: ['mini'], static: { message: 'busy' } }, tiered: { deployments: ['big'], secondary: ['mini'] } },
  });
  const events = new GatewayEvents();
  const store = createMemoryStateStore({ policy: breakerPolicyFor(config.catalog), onBreakerChange: announceBreakerChanges(events) });
  const service = createServices({ catalog: config.catalog, store, events });
  services.push(service);
  const entries: LedgerEntry[] = [];
  events.subscribe((event) => {
    if (event.type === 'request-end') entries.push(event.entry);
  });
  return { pipeline: new Pipeline(service, { requestTimeoutMs: 10_000, stages }), entries };
}

const context = (credential?: string): RequestContext => ({ requestId: 'req-1', ingress: 'openai', cancel: new Cancel(), ...(credential ? { credential } : {}) });
const hello = (model = 'chat'): ChatRequest => ({ model, stream: false, maxTokens: 50, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }] });

class CollectingSink implements StreamSink {
  begun = false;
  start: StreamStart | undefined;
  readonly events: StreamEvent[] = [];
  begin(info: StreamStart): void {
    this.begun = true;
    this.start = info;
  }
  write(events: StreamEvent[]): void {
    this.events.push(...events);
  }
  fail(): void {}
  end(): void {}
}

describe('pipeline stages', () => {
  it('runs authenticate, admit and cache in that order, before any upstream call', async () => {
    const order: string[] = [];
    const { pipeline } = pipelineWith({
      authenticate: () => {
        order.push('authenticate');
        return { id: 'key-1' };
      },
      admit: () => {
        order.push('admit');
        return undefined;
      },
      cache: {
        lookup: () => {
          order.push(`cache (upstream calls so far: ${simulator.stats().requests})`);
          return undefined;
        },
        store: () => order.push('store'),
      },
    });
    await pipeline.chat(hello(), context());
    expect(order).toEqual(['authenticate', 'admit', 'cache (upstream calls so far: 0)', 'store']);
    expect(simulator.stats().requests).toBe(1);
  });

  it('a refusal by authenticate calls no upstream and leaves one ledger entry with its code', async () => {
    const { pipeline, entries } = pipelineWith({
      authenticate: (request) => {
        if (request.credential !== 'good') throw new JunctionError('invalid_request', 'no such key');
        return { id: 'key-1' };
      },
    });
    await expect(pipeline.chat(hello(), context('bad'))).rejects.toMatchObject({ code: 'invalid_request', message: 'no such key' });
    expect(simulator.stats().requests).toBe(0);
    expect(entries).toEqual([expect.objectContaining({ requestId: 'req-1', status: 400, errorCode: 'invalid_request', attempts: [] })]);

    await pipeline.chat(hello(), context('good'));
    expect(entries[1]).toMatchObject({ status: 200, principal: 'key-1' });
  });

  it('an asynchronous stage is awaited like a synchronous one', async () => {
    const { pipeline, entries } = pipelineWith({ authenticate: async () => ({ id: 'async-key' }) });
    await pipeline.chat(hello(), context());
    expect(entries[0]).toMatchObject({ status: 200, principal: 'async-key' });
  });

  it('admission sees the request’s needs and is settled once, with the real cost', async () => {
    const settled: LedgerEntry[] = [];
    const seen: unknown[] = [];
    const { pipeline } = pipelineWith({
      admit: (exchange, needs) => {
        seen.push({ route: exchange.route.name, principal: exchange.principal, reserved: needs.maxOutputTokens, input: needs.estimatedInputTokens > 0 });
        return { settle: (entry) => settled.push(entry) };
      },
    });
    const { outcome } = await pipeline.chat(hello(), context());
    expect(seen).toEqual([{ route: 'chat', principal: undefined, reserved: 50, input: true }]);
    expect(settled).toHaveLength(1);
    expect(settled[0].costUsd).toBeGreaterThan(0);
    expect(settled[0].costUsd).toBe(outcome.costUsd);
  });

  it('awaits an admission that answers later (a shared store), and refuses on its rejection', async () => {
    const settled: LedgerEntry[] = [];
    const later = pipelineWith({ admit: async () => ({ settle: (entry) => settled.push(entry) }) });
    await later.pipeline.chat(hello(), context());
    expect(settled).toEqual([expect.objectContaining({ status: 200 })]);
    const refusing = pipelineWith({ admit: () => Promise.reject(new JunctionError('limits_unavailable', 'store down')) });
    await expect(refusing.pipeline.chat(hello(), context())).rejects.toMatchObject({ code: 'limits_unavailable' });
    expect(refusing.entries).toEqual([expect.objectContaining({ status: 503, attempts: [] })]);
  });

  it('settles the admission when the request fails after it, and refuses without calling upstream', async () => {
    const settled: LedgerEntry[] = [];
    const { pipeline } = pipelineWith({ admit: () => ({ settle: (entry) => settled.push(entry) }) });
    simulator.setBehaviour('gpt-4o-mini', { down: true });
    await expect(pipeline.chat(hello(), context())).rejects.toMatchObject({ code: 'all_deployments_failed' });
    expect(settled).toEqual([expect.objectContaining({ status: 503 })]);

    simulator.reset();
    const refusing = pipelineWith({
      admit: () => {
        throw new JunctionError('upstream_rate_limited', 'over the limit', { retryAfterMs: 2_000 });
      },
    });
    await expect(refusing.pipeline.chat(hello(), context())).rejects.toMatchObject({ code: 'upstream_rate_limited', retryAfterMs: 2_000 });
    expect(simulator.stats().requests).toBe(0);
    expect(refusing.entries).toEqual([expect.objectContaining({ status: 429, attempts: [] })]);
  });

  it('serves a cache hit whole or streamed, with no upstream call and nothing spent', async () => {
    const cached: ChatResponse = { id: 'cached-1', model: 'gpt-4o-mini', created: 1, text: 'from the cache', toolCalls: [], finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: 3, outputTokens: 3 } };
    const { pipeline, entries } = pipelineWith({ cache: { lookup: () => ({ response: cached, kind: 'exact', costSavedUsd: 0.25 }), store: () => expect.unreachable('a hit is not stored again') } });

    const whole = await pipeline.chat(hello(), context());
    expect(whole.response.text).toBe('from the cache');
    expect(whole.outcome).toMatchObject({ cached: true, attempts: 0, costUsd: 0 });

    const sink = new CollectingSink();
    const outcome = await pipeline.chatStream({ ...hello(), stream: true }, context(), sink);
    expect(outcome.cached).toBe(true);
    expect(sink.events.map((event) => event.type)).toEqual(['start', 'text-delta', 'finish']);
    expect(sink.events[1]).toEqual({ type: 'text-delta', text: 'from the cache' });

    expect(simulator.stats().requests).toBe(0);
    expect(entries.map((entry) => [entry.status, entry.costUsd, entry.attempts.length, entry.cacheHit, entry.costSavedUsd])).toEqual([
      [200, 0, 0, 'exact', 0.25],
      [200, 0, 0, 'exact', 0.25],
    ]);
  });

  it('stores only answers that came whole from a deployment (a secondary tier’s too), not a static last resort', async () => {
    const stored: string[] = [];
    const { pipeline } = pipelineWith({ cache: { lookup: () => undefined, store: (_exchange, _request, response) => stored.push(response.text) } });
    const streamed = new CollectingSink();
    await pipeline.chatStream({ ...hello(), stream: true }, context(), streamed);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toBe(streamed.events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join(''));

    simulator.setBehaviour('gpt-4o', { down: true });
    const secondary = await pipeline.chat(hello('tiered'), context());
    expect(secondary.outcome.tier).toBe('secondary');
    expect(stored).toEqual([stored[0], secondary.response.text]);

    simulator.setBehaviour('gpt-4o-mini', { down: true });
    const { response } = await pipeline.chat(hello('fallback'), context());
    expect(response.text).toBe('busy');
    expect(stored).toHaveLength(2);
  });
});
