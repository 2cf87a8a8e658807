/**
 * The response cache end to end: the official clients against Junction in front of the
 * simulator. A repeated request is served from the cache (no upstream call, cost 0 and the
 * cost saved in the ledger), streamed to a streaming caller in its own format; answers do not
 * cross keys unless the route says so; bypass, refresh, TTL, cut streams; the figures on
 * /cache/stats and /admin/cache; and the semantic cache's true hit and refused near miss.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/access/keys';
import { startHarness, type Harness } from '../support/harness';

const ADMIN_KEY = 'admin-secret-for-cache-tests';
const alice = generateKey();
const bob = generateKey();
const carol = generateKey();

let harness: Harness;
let url: string;
let clock = Date.UTC(2026, 11, 6, 12);

beforeAll(async () => {
  harness = await startHarness({
    env: { JUNCTION_ADMIN_KEY: ADMIN_KEY },
    now: () => clock,
    routes: {
      cached: { deployments: ['openai-mini'], cache: { ttlSeconds: 60 } },
      'cached-team': { deployments: ['openai-mini'], cache: { ttlSeconds: 60, scope: 'team' } },
      'cached-shared': { deployments: ['anthropic-haiku'], cache: { ttlSeconds: 60, scope: 'shared' } },
      semantic: { deployments: ['openai-mini'], cache: { ttlSeconds: 60, scope: 'shared', semantic: { embeddingRoute: 'embeddings', threshold: 0.9, dimensions: 256 } } },
    },
    auth: {
      mode: 'keys',
      teams: { eng: { name: 'Engineering' } },
      keys: [
        { id: 'alice', hash: alice.hash, team: 'eng' },
        { id: 'bob', hash: bob.hash, team: 'eng' },
        { id: 'carol', hash: carol.hash },
      ],
    },
  });
  url = harness.url;
});
afterAll(() => harness?.close());

const openai = (key = alice.key) => new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
const upstreamCalls = () => harness.simulator.stats().requests;
const ask = (model: string, content: string, key = alice.key, headers: Record<string, string> = {}) =>
  openai(key).chat.completions.create({ model, messages: [{ role: 'user', content }] }, { headers }).withResponse();

async function ledgerRow(requestId: string) {
  const rows = await harness.junction.ledger.query({ limit: 1_000 });
  return rows.find((row) => row.requestId === requestId)!;
}

describe('exact cache', () => {
  it('serves a repeated request from the cache: same answer, no upstream call, cost 0 and the cost saved in the ledger', async () => {
    const before = upstreamCalls();
    const first = await ask('cached', 'What is a cache?');
    expect(first.response.headers.get('x-junction-cache')).toBe('miss');
    // `user` does not change the answer, so it is not part of the key.
    const second = await openai().chat.completions.create({ model: 'cached', messages: [{ role: 'user', content: '  What is a cache?' }], user: 'someone-else' }).withResponse();
    expect(second.response.headers.get('x-junction-cache')).toBe('hit');
    expect(second.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
    expect(second.data.usage).toMatchObject({ prompt_tokens: first.data.usage!.prompt_tokens, completion_tokens: first.data.usage!.completion_tokens, total_tokens: first.data.usage!.total_tokens });
    expect(upstreamCalls()).toBe(before + 1);

    const paid = await ledgerRow(first.response.headers.get('x-request-id')!);
    const served = await ledgerRow(second.response.headers.get('x-request-id')!);
    expect(paid.costUsd).toBeGreaterThan(0);
    expect(paid.cacheHit).toBeUndefined();
    expect(served).toMatchObject({ status: 200, costUsd: 0, attempts: [], cacheHit: 'exact', costSavedUsd: paid.costUsd, principal: 'alice' });
    expect(Number(second.response.headers.get('x-junction-cost-saved-usd'))).toBeCloseTo(paid.costUsd, 8);
    expect(Number(second.response.headers.get('x-junction-cost-usd'))).toBe(0);
  });

  it('replays a cached answer as a stream to a streaming caller, in the OpenAI and the Anthropic format', async () => {
    const question = 'Name three colours.';
    const stored = await ask('cached-shared', question);
    const text = stored.data.choices[0]!.message.content!;
    const before = upstreamCalls();

    const stream = await openai(bob.key).chat.completions.create({ model: 'cached-shared', messages: [{ role: 'user', content: question }], stream: true }).withResponse();
    expect(stream.response.headers.get('x-junction-cache')).toBe('hit');
    let streamed = '';
    let finish: string | null = null;
    for await (const chunk of stream.data) {
      streamed += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(streamed).toBe(text);
    expect(finish).toBe('stop');

    // The canonical request is the same whatever format it came in: the Anthropic client is served the same answer.
    const claude = new Anthropic({ baseURL: url, apiKey: carol.key, maxRetries: 0 });
    const events = await claude.messages.create({ model: 'cached-shared', max_tokens: 1024, messages: [{ role: 'user', content: question }], stream: true });
    let anthropicText = '';
    let stop: string | null = null;
    for await (const event of events) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') anthropicText += event.delta.text;
      if (event.type === 'message_delta') stop = event.delta.stop_reason;
    }
    // max_tokens is part of the key: the Anthropic request (which must send one) asked something else.
    expect(upstreamCalls()).toBe(before + 1);
    expect(stop).toBe('end_turn');
    const again = await claude.messages.create({ model: 'cached-shared', max_tokens: 1024, messages: [{ role: 'user', content: question }] }).withResponse();
    expect(again.response.headers.get('x-junction-cache')).toBe('hit');
    expect(again.data.content[0]).toMatchObject({ type: 'text', text: anthropicText });
    expect(upstreamCalls()).toBe(before + 1);
  });

  it('keeps answers per key by default, per team when the route says so, and for everyone when shared', async () => {
    const before = upstreamCalls();
    await ask('cached', 'Per key?', alice.key);
    expect((await ask('cached', 'Per key?', bob.key)).response.headers.get('x-junction-cache')).toBe('miss');
    expect((await ask('cached', 'Per key?', alice.key)).response.headers.get('x-junction-cache')).toBe('hit');
    expect(upstreamCalls()).toBe(before + 2);

    await ask('cached-team', 'Per team?', alice.key);
    expect((await ask('cached-team', 'Per team?', bob.key)).response.headers.get('x-junction-cache')).toBe('hit');
    expect((await ask('cached-team', 'Per team?', carol.key)).response.headers.get('x-junction-cache')).toBe('miss');
    expect(upstreamCalls()).toBe(before + 4);
  });

  it('bypass neither reads nor writes; refresh (or cache-control: no-cache) asks the upstream and stores its answer', async () => {
    const question = 'Bypass or refresh?';
    await ask('cached', question);
    const before = upstreamCalls();
    const bypassed = await ask('cached', question, alice.key, { 'x-junction-cache': 'bypass' });
    expect(bypassed.response.headers.get('x-junction-cache')).toBe('bypass');
    const noStore = await ask('cached', question, alice.key, { 'cache-control': 'no-store' });
    expect(noStore.response.headers.get('x-junction-cache')).toBe('bypass');
    expect(upstreamCalls()).toBe(before + 2);

    harness.simulator.setBehaviour('gpt-4o-mini', { reply: 'a fresher answer' });
    try {
      const refreshed = await ask('cached', question, alice.key, { 'cache-control': 'no-cache' });
      expect(refreshed.response.headers.get('x-junction-cache')).toBe('refresh');
      expect(refreshed.data.choices[0]!.message.content).toBe('a fresher answer');
      expect(upstreamCalls()).toBe(before + 3);
    } finally {
      harness.simulator.reset();
    }
    // The simulator's counters restart with its reset.
    const after = await ask('cached', question);
    expect(after.response.headers.get('x-junction-cache')).toBe('hit');
    expect(after.data.choices[0]!.message.content).toBe('a fresher answer');
    expect(upstreamCalls()).toBe(0);
  });

  it('refuses a cache directive it cannot mean with a 400 naming the header', async () => {
    const refused = await ask('cached', 'x', alice.key, { 'x-junction-cache': 'sometimes' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/x-junction-cache: expected bypass, refresh or use/);
  });

  it('serves an answer until its TTL has passed, then asks again', async () => {
    await ask('cached', 'How long do you keep this?');
    clock += 59_000;
    expect((await ask('cached', 'How long do you keep this?')).response.headers.get('x-junction-cache')).toBe('hit');
    clock += 2_000;
    expect((await ask('cached', 'How long do you keep this?')).response.headers.get('x-junction-cache')).toBe('miss');
  });

  it('never keeps a stream that was cut', async () => {
    harness.simulator.setBehaviour('gpt-4o-mini', { midStreamCutRate: 1, replyTokens: 60 });
    const question = 'Tell me a long story.';
    try {
      const stream = await openai().chat.completions.create({ model: 'cached', messages: [{ role: 'user', content: question }], stream: true });
      await expect(
        (async () => {
          for await (const _chunk of stream) void _chunk;
        })(),
      ).rejects.toThrow();
    } finally {
      harness.simulator.reset();
    }
    expect((await ask('cached', question)).response.headers.get('x-junction-cache')).toBe('miss');
  });

  it('reports hits, misses, bytes and cost saved on /cache/stats and /admin/cache, and DELETE /admin/cache forgets them', async () => {
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    const stats = (await (await fetch(`${url}/cache/stats`, { headers: admin })).json()) as Record<string, unknown> & { routes: Array<Record<string, unknown>> };
    const rows = (await harness.junction.ledger.query({ limit: 1_000 })).filter((row) => row.endpoint === 'chat');
    const hits = rows.filter((row) => row.cacheHit !== undefined);
    expect(stats).toMatchObject({ enabled: true, backend: 'memory', hits: hits.filter((row) => row.cacheHit === 'exact').length });
    expect(stats.cost_saved_usd as number).toBeCloseTo(hits.reduce((sum, row) => sum + row.costSavedUsd!, 0), 10);
    expect(stats.entries as number).toBeGreaterThan(0);
    expect(stats.bytes as number).toBeGreaterThan(0);
    expect(stats.hit_rate as number).toBeCloseTo((stats.hits as number + (stats.semantic_hits as number)) / ((stats.hits as number) + (stats.semantic_hits as number) + (stats.misses as number)), 10);
    expect(stats.routes.map((route) => route.route).sort()).toEqual(['cached', 'cached-shared', 'cached-team', 'semantic']);

    const adminView = (await (await fetch(`${url}/admin/cache`, { headers: admin })).json()) as Record<string, unknown>;
    expect(adminView.entries).toBe(stats.entries);
    const cleared = (await (await fetch(`${url}/admin/cache`, { method: 'DELETE', headers: admin })).json()) as { cleared: number };
    expect(cleared.cleared).toBe(stats.entries);
    expect((await ask('cached', 'What is a cache?')).response.headers.get('x-junction-cache')).toBe('miss');
    const audit = (await (await fetch(`${url}/admin/audit?target=cache`, { headers: admin })).json()) as { data: Array<{ action: string; actor: string }> };
    expect(audit.data).toEqual([expect.objectContaining({ action: 'cache.clear', actor: 'admin' })]);
    // Not for everyone: a key without the admin scope is refused.
    expect((await fetch(`${url}/admin/cache`, { headers: { authorization: `Bearer ${alice.key}` } })).status).toBe(403);
  });
});

describe('semantic cache', () => {
  it('serves a paraphrase the stored answer, and refuses a near miss that asks something else', async () => {
    const first = await ask('semantic', 'What is the capital of France?');
    expect(first.response.headers.get('x-junction-cache')).toBe('miss');
    const before = upstreamCalls();

    const paraphrase = await ask('semantic', 'What is the capital city of France?', bob.key);
    expect(paraphrase.response.headers.get('x-junction-cache')).toBe('hit');
    expect(Number(paraphrase.response.headers.get('x-junction-cache-similarity'))).toBeGreaterThanOrEqual(0.9);
    expect(paraphrase.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
    const served = await ledgerRow(paraphrase.response.headers.get('x-request-id')!);
    expect(served).toMatchObject({ cacheHit: 'semantic', costUsd: 0 });
    expect(served.costSavedUsd).toBeGreaterThan(0);

    // Close in words, not in meaning: below the threshold, so an upstream answers.
    const nearMiss = await ask('semantic', 'What is the capital of Germany?', bob.key);
    expect(nearMiss.response.headers.get('x-junction-cache')).toBe('miss');
    expect(nearMiss.response.headers.get('x-junction-cache-similarity')).toBeNull();

    // Each lookup embedded its question through the embeddings route (in the ledger); only the near miss reached the chat model.
    const chatCalls = harness.simulator.stats().byModel['gpt-4o-mini'];
    expect(chatCalls).toBeDefined();
    expect(upstreamCalls()).toBe(before + 3);
    const embeddingRows = (await harness.junction.ledger.query({ limit: 1_000 })).filter((row) => row.route === 'embeddings' && row.requestId.endsWith('.cache'));
    expect(embeddingRows.length).toBeGreaterThanOrEqual(3);
  });
});
