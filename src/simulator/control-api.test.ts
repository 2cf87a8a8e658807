import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from './server';
import type { Simulator } from './server';
import { postJson } from './test-helpers';

let sim: Simulator;

const control = (method: string, path: string, body?: unknown): Promise<Response> =>
  fetch(`${sim.url}/_control${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
const chat = (model: string): Promise<Response> => postJson(`${sim.url}/v1/chat/completions`, { model, messages: [{ role: 'user', content: 'hi' }] });

beforeAll(async () => {
  sim = await startSimulator({ models: { 'gpt-4o': { replyTokens: 5 } }, defaults: { replyTokens: 9 } });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('control API', () => {
  it('takes a model down with PATCH and brings it back with DELETE', async () => {
    expect((await chat('gpt-4o')).status).toBe(200);
    const patched = await control('PATCH', '/models/gpt-4o', { down: true });
    expect(await patched.json()).toEqual({ model: 'gpt-4o', behaviour: { replyTokens: 5, down: true } });
    expect((await chat('gpt-4o')).status).toBe(503);
    expect((await chat('other-model')).status).toBe(200);
    await control('DELETE', '/models/gpt-4o');
    expect((await chat('gpt-4o')).status).toBe(200);
    expect(sim.stats().byModel['gpt-4o']).toMatchObject({ requests: 3, completed: 2, failed: 1 });
  });

  it('removes a key when PATCH sets it to null', async () => {
    await control('PATCH', '/models/m', { down: true, replyTokens: 3 });
    const patched = await control('PATCH', '/models/m', { down: null });
    expect(await patched.json()).toEqual({ model: 'm', behaviour: { replyTokens: 3 } });
  });

  it('replaces a behaviour with PUT and reports it in GET /models', async () => {
    expect((await control('PUT', '/models/claude', { errorRates: { '429': 0.5 }, retryAfterSeconds: 2 })).status).toBe(200);
    expect(await (await control('GET', '/models')).json()).toEqual({
      default: { replyTokens: 9 },
      models: { 'gpt-4o': { replyTokens: 5 }, claude: { errorRates: { '429': 0.5 }, retryAfterSeconds: 2 } },
    });
  });

  it.each([
    ['an unknown key', { donw: true }],
    ['a rate above 1', { hangRate: 2 }],
    ['a status that is not one', { errorRates: { teapot: 1 } }],
    ['a negative latency', { latencyMs: { p50: -1, p99: 10 } }],
  ])('rejects %s with 400 and leaves the behaviour untouched', async (_name, body) => {
    const response = await control('PUT', '/models/gpt-4o', body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message.length).toBeGreaterThan(0);
    const patched = await control('PATCH', '/models/gpt-4o', body);
    expect(patched.status).toBe(400);
    expect(((await (await control('GET', '/models')).json()) as { models: Record<string, unknown> }).models['gpt-4o']).toEqual({ replyTokens: 5 });
  });

  it('changes every model without its own behaviour through the default', async () => {
    await control('PUT', '/models/default', { down: true });
    expect((await chat('anything')).status).toBe(503);
    expect((await chat('gpt-4o')).status).toBe(200);
    await control('DELETE', '/models/default');
    expect((await chat('anything')).status).toBe(200);
  });

  it('serves the stats and resets behaviours, stats and the received log', async () => {
    await control('PATCH', '/models/gpt-4o', { down: true });
    await chat('gpt-4o');
    expect(await (await control('GET', '/stats')).json()).toEqual(sim.stats());
    expect(sim.stats().requests).toBe(1);
    expect((await control('POST', '/reset')).status).toBe(200);
    expect(sim.stats()).toEqual({ requests: 0, byModel: {}, aborted: 0, inFlight: 0 });
    expect(sim.received()).toEqual([]);
    expect((await chat('gpt-4o')).status).toBe(200);
  });

  it('answers unknown control paths with 404', async () => {
    expect((await control('GET', '/nothing-here')).status).toBe(404);
  });
});

describe('behaviour from code', () => {
  it('setBehaviour and patchBehaviour change answers; undefined in a patch removes the key', async () => {
    sim.setBehaviour('m', { reply: 'fixed words' });
    const first = (await (await chat('m')).json()) as { choices: Array<{ message: { content: string } }> };
    expect(first.choices[0].message.content).toBe('fixed words');
    sim.patchBehaviour('m', { down: true });
    expect((await chat('m')).status).toBe(503);
    sim.patchBehaviour('m', { down: undefined });
    expect((await chat('m')).status).toBe(200);
  });

  it('keeps its own copy of a behaviour', async () => {
    const behaviour = { down: false };
    sim.setBehaviour('m', behaviour);
    behaviour.down = true;
    expect((await chat('m')).status).toBe(200);
  });
});
