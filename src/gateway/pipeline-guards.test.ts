/**
 * The guard step of the pipeline, with the real route guards against the simulated upstream
 * over real HTTP: a budget refusal downgrades to the route's cheaper route (one hop, named in
 * the ledger and a header), a saturated route queues by tier and refuses what cannot wait,
 * and every slot is given back however its request ends.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KeyPrincipal } from '../access/access-control';
import { createRouteGuards } from '../access/route-guards';
import type { KeyRecord, KeyTier } from '../access/types';
import type { ChatRequest } from '../canonical/types';
import { configFromObject } from '../config';
import { JunctionError, isJunctionError } from '../errors';
import type { LedgerEntry } from '../ledger/types';
import { breakerPolicyFor } from '../routing/breaker-policies';
import { startSimulator, type Simulator } from '../simulator';
import { createMemoryStateStore } from '../state';
import type { Exchange, RequestContext } from './context';
import { GatewayEvents } from './events';
import { Cancel } from './execution/cancel';
import { Pipeline } from './pipeline';
import { until } from '../../test/support/until';
import { announceBreakerChanges, createServices, type GatewayServices } from './services';
import type { Admit } from './stages';

let simulator: Simulator;
beforeAll(async () => {
  simulator = await startSimulator({ apiKey: 'test-key' });
});
afterAll(() => simulator.close());
beforeEach(() => simulator.reset());

const services: GatewayServices[] = [];
afterAll(() => Promise.all(services.map((service) => service.client.close())));

/** `premium` (gpt-4o, one request at a time, one waiting) downgrades to `cheap` (gpt-4o-mini). */
function guardedPipeline(admit?: Admit) {
  const config = configFromObject({
    providers: { sim: { kind: 'openai', baseUrl: `${simulator.url}/v1`, apiKey: 'test-key' } },
    deployments: {
      mini: { provider: 'sim', model: 'gpt-4o-mini', pricing: { input: 1, output: 2 }, contextWindow: 128_000, capabilities: ['chat', 'streaming'] },
      big: { provider: 'sim', model: 'gpt-4o', pricing: { input: 10, output: 20 }, contextWindow: 128_000, capabilities: ['chat', 'streaming'] },
    },
    routes: {
      premium: { deployments: ['big'], downgradeTo: 'cheap', concurrency: { max: 1, queue: 1 }, timeoutMs: 2_000 },
      cheap: { deployments: ['mini'] },
    },
  });
  const events = new GatewayEvents();
  const store = createMemoryStateStore({ policy: breakerPolicyFor(config.catalog), onBreakerChange: announceBreakerChanges(events) });
  const service = createServices({ catalog: config.catalog, store, events });
  services.push(service);
  const entries: LedgerEntry[] = [];
  events.subscribe((event) => {
    if (event.type === 'request-end') entries.push(event.entry);
  });
  const guards = createRouteGuards({ routes: config.limits.routes, now: service.now })!;
  const pipeline = new Pipeline(service, { requestTimeoutMs: 10_000, stages: { authenticate: principalOf, guards, ...(admit ? { admit } : {}) } });
  return { pipeline, entries, guards };
}

/** Credentials in these tests are `<tier>:<id>`. */
function principalOf(context: RequestContext): KeyPrincipal | undefined {
  if (context.credential === undefined) return undefined;
  const [tier, id] = context.credential.split(':') as [KeyTier, string];
  const key = { id, name: id, tier, scopes: ['chat'], routes: ['*'] } as unknown as KeyRecord;
  return { id, key };
}

let requestCount = 0;
const contextOf = (credential?: string): RequestContext => ({ requestId: `req-${++requestCount}`, ingress: 'openai', cancel: new Cancel(), ...(credential ? { credential } : {}) });
const hello = (model: string): ChatRequest => ({ model, stream: false, maxTokens: 20, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }] });

const budgetRefusal = () => new JunctionError('budget_exceeded', "This request could cost more than is left of route 'premium' budget");

describe('downgrade on a budget refusal', () => {
  it('serves the request from the cheaper route, and says so in the ledger and a header', async () => {
    const settled: string[] = [];
    const { pipeline, entries } = guardedPipeline((exchange: Exchange) => {
      if (exchange.route.name === 'premium') {
        (exchange.context.responseHeaders ??= {})['x-should-retry'] = 'false';
        throw budgetRefusal();
      }
      return { settle: (entry) => void settled.push(entry.route) };
    });
    const context = contextOf('standard:k1');
    const { response } = await pipeline.chat(hello('premium'), context);
    expect(response.model).toBe('gpt-4o-mini');
    expect(context.responseHeaders).toEqual({ 'x-junction-downgraded-from': 'premium' });
    expect(settled).toEqual(['cheap']);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ route: 'cheap', deployment: 'mini', status: 200 });
    expect(entries[0]!.decisionReason).toMatch(/^downgraded from 'premium'/);
    expect(simulator.stats().byModel['gpt-4o']).toBeUndefined();
  });

  it('refuses with the original budget error when the cheaper route refuses too, calling no upstream', async () => {
    const { pipeline, entries } = guardedPipeline((exchange: Exchange) => {
      throw exchange.route.name === 'premium' ? budgetRefusal() : new JunctionError('rate_limit_exceeded', 'cheap is full', { retryAfterMs: 1_000 });
    });
    const error = await pipeline.chat(hello('premium'), contextOf('standard:k1')).catch((thrown: unknown) => thrown);
    expect(isJunctionError(error) && error.code).toBe('budget_exceeded');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ status: 429, errorCode: 'budget_exceeded' });
    expect(simulator.stats().requests).toBe(0);
  });

  it('does not downgrade a refusal other than a budget’s', async () => {
    const { pipeline, entries } = guardedPipeline((exchange: Exchange) => {
      if (exchange.route.name === 'premium') throw new JunctionError('rate_limit_exceeded', 'premium is full', { retryAfterMs: 1_000 });
      return undefined;
    });
    const error = await pipeline.chat(hello('premium'), contextOf('standard:k1')).catch((thrown: unknown) => thrown);
    expect(isJunctionError(error) && error.code).toBe('rate_limit_exceeded');
    expect(entries[0]).toMatchObject({ route: 'premium', status: 429 });
  });
});

describe('concurrency on a route', () => {
  it('lets waiters in by tier once the slot frees, and refuses what the full queue cannot hold', async () => {
    simulator.setBehaviour('gpt-4o', { latencyMs: { p50: 150, p99: 150 } });
    const { pipeline, guards } = guardedPipeline();
    const finished: string[] = [];
    const send = (credential: string) =>
      pipeline.chat(hello('premium'), contextOf(credential)).then(
        () => void finished.push(credential),
        (error: unknown) => void finished.push(`${credential} ${isJunctionError(error) ? error.code : String(error)}`),
      );
    const first = send('free:a');
    await until(() => guards.stats()[0]!.inFlight === 1, 'inFlight 1');
    const free = send('free:b');
    await until(() => guards.stats()[0]!.waiting === 1, 'waiting 1');
    // The queue holds one: a premium request displaces the free one, a second free one is refused.
    const premium = send('premium:c');
    const late = send('free:d');
    await Promise.all([first, free, premium, late]);
    expect(finished).toEqual(['free:b queue_full', 'free:d queue_full', 'free:a', 'premium:c']);
    expect(guards.stats()[0]).toMatchObject({ inFlight: 0, waiting: 0 });
  });

  it('gives the slot back when its request fails, to the next waiter', async () => {
    simulator.setBehaviour('gpt-4o', { latencyMs: { p50: 2_500, p99: 2_500 } });
    const { pipeline, guards } = guardedPipeline();
    const holder = pipeline.chat(hello('premium'), contextOf('standard:a')).catch((error: unknown) => error);
    await until(() => guards.stats()[0]!.inFlight === 1, 'inFlight 1');
    const waiter = pipeline.chat(hello('premium'), contextOf('premium:b')).catch((error: unknown) => error);
    await until(() => guards.stats()[0]!.waiting === 1, 'waiting 1');
    const failed = await holder;
    expect(isJunctionError(failed) && failed.status).toBe(504);
    // The waiter had the slot at once: it is in flight, no longer waiting.
    expect(guards.stats()[0]).toMatchObject({ inFlight: 1, waiting: 0 });
    simulator.setBehaviour('gpt-4o', {});
    await waiter;
    expect(guards.stats()[0]).toMatchObject({ inFlight: 0, waiting: 0 });
  });

  it('stops waiting when the caller leaves', async () => {
    simulator.setBehaviour('gpt-4o', { latencyMs: { p50: 300, p99: 300 } });
    const { pipeline, guards } = guardedPipeline();
    const holder = pipeline.chat(hello('premium'), contextOf('standard:a'));
    await until(() => guards.stats()[0]!.inFlight === 1, 'inFlight 1');
    const context = contextOf('standard:b');
    const waiting = pipeline.chat(hello('premium'), context).catch((error: unknown) => error);
    await until(() => guards.stats()[0]!.waiting === 1, 'waiting 1');
    context.cancel.abort('client');
    expect(isJunctionError(await waiting) && ((await waiting) as JunctionError).code).toBe('client_closed');
    expect(guards.stats()[0]!.waiting).toBe(0);
    await holder;
    expect(guards.stats()[0]!.inFlight).toBe(0);
  });
});

