/**
 * Virtual keys through the official `openai` and `@anthropic-ai/sdk` clients, unchanged: a valid
 * key is accepted on both ingress formats; a wrong, revoked, expired or out-of-scope key is
 * refused with the status and error shape each client knows; limits and budgets refuse with
 * 429 and the headers clients read; the endpoints outside the pipeline need their scopes.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/access/keys';
import { startJunction } from '../../src/app';
import { ConfigError } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import { startHarness, testConfig, type Harness } from '../support/harness';
import { eventually } from '../support/until';

const ADMIN_KEY = 'admin-secret-for-tests-only';
const full = generateKey();
const narrow = generateKey();
const expired = generateKey();
const limited = generateKey();
const broke = generateKey();
const reader = generateKey();

let harness: Harness;
let url: string;

beforeAll(async () => {
  harness = await startHarness({
    env: { JUNCTION_ADMIN_KEY: ADMIN_KEY },
    // A route whose budget refuses anything, served instead by the cheaper `to-openai`.
    routes: { premium: { deployments: ['openai-big'], budgets: [{ usd: 0.000001, period: 'day' }], downgradeTo: 'to-openai' } },
    auth: {
      mode: 'keys',
      teams: { eng: { name: 'Engineering' } },
      keys: [
        { id: 'full', hash: full.hash, team: 'eng', tier: 'premium' },
        { id: 'narrow', hash: narrow.hash, scopes: ['chat'], routes: ['to-openai'] },
        { id: 'expired', hash: expired.hash, expiresAt: '2020-01-01T00:00:00Z' },
        { id: 'limited', hash: limited.hash, limits: { rpm: 2, burst: 2 } },
        { id: 'broke', hash: broke.hash, budgets: [{ usd: 0.000001, period: 'lifetime' }] },
        { id: 'reader', hash: reader.hash, scopes: ['routing:read', 'metrics'] },
      ],
    },
  });
  url = harness.url;
});
afterAll(() => harness?.close());

const openai = (apiKey: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
const anthropic = (apiKey: string) => new Anthropic({ baseURL: url, apiKey, maxRetries: 0 });
const hello = [{ role: 'user' as const, content: 'Say hello' }];

async function refusal<T>(call: Promise<T>): Promise<{ status: number; code: unknown; type: unknown; headers: Headers; message: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OpenAI.APIError) {
      return { status: error.status!, code: error.code, type: error.type, headers: error.headers as unknown as Headers, message: error.message };
    }
    if (error instanceof Anthropic.APIError) {
      const body = error.error as { error?: { type?: string } } | undefined;
      return { status: error.status!, code: (error.headers as unknown as Headers).get('x-junction-error-code'), type: body?.error?.type, headers: error.headers as unknown as Headers, message: error.message };
    }
    throw error;
  }
  throw new Error('expected the call to be refused');
}

async function ledgerRow(requestId: string) {
  const rows = await harness.junction.ledger.query({ limit: 500 });
  return rows.find((row) => row.requestId === requestId);
}

describe('a valid virtual key', () => {
  it('is accepted by the openai client, and the ledger names the key and its team', async () => {
    const { data, response } = await openai(full.key).chat.completions.create({ model: 'to-openai', messages: hello }).withResponse();
    expect(data.choices[0].message.content?.length).toBeGreaterThan(0);
    const row = await ledgerRow(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ principal: 'full', team: 'eng', status: 200 });
  });

  it('streams through the openai client', async () => {
    const stream = await openai(full.key).chat.completions.create({ model: 'to-anthropic', messages: hello, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('is accepted by the anthropic client as x-api-key', async () => {
    const message = await anthropic(full.key).messages.create({ model: 'to-gemini', max_tokens: 64, messages: hello });
    expect(message.type).toBe('message');
    expect(message.content[0]).toMatchObject({ type: 'text' });
  });

  it('lists the models', async () => {
    const models = await openai(narrow.key).models.list();
    expect(models.data.map((model) => model.id)).toContain('to-openai');
  });
});

describe('refused keys, in each client’s own shape', () => {
  it('a wrong key: 401 invalid_api_key (openai) and authentication_error (anthropic)', async () => {
    const wrong = generateKey().key;
    const fromOpenai = await refusal(openai(wrong).chat.completions.create({ model: 'to-openai', messages: hello }));
    expect(fromOpenai).toMatchObject({ status: 401, code: 'invalid_api_key' });
    const fromAnthropic = await refusal(anthropic(wrong).messages.create({ model: 'to-openai', max_tokens: 16, messages: hello }));
    expect(fromAnthropic).toMatchObject({ status: 401, type: 'authentication_error', code: 'invalid_api_key' });
  });

  it('no key at all: 401 missing_api_key, saying how to send one', async () => {
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'to-openai', messages: hello }) });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('missing_api_key');
    expect(body.error.message).toContain('Authorization: Bearer');
  });

  it('an expired key: 401 api_key_expired', async () => {
    expect(await refusal(openai(expired.key).chat.completions.create({ model: 'to-openai', messages: hello }))).toMatchObject({ status: 401, code: 'api_key_expired' });
    expect(await refusal(anthropic(expired.key).messages.create({ model: 'to-openai', max_tokens: 16, messages: hello }))).toMatchObject({ status: 401, type: 'authentication_error' });
  });

  it('a key revoked through the admin API: 401 api_key_revoked, and the audit log says who did it', async () => {
    const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
    const created = await fetch(`${url}/admin/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'short-lived' }) });
    expect(created.status).toBe(201);
    const { key, record: { id } } = (await created.json()) as { key: string; record: { id: string } };
    await openai(key).chat.completions.create({ model: 'to-openai', messages: hello });

    expect((await fetch(`${url}/admin/keys/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(200);
    const refused = async () => {
      try {
        await openai(key).chat.completions.create({ model: 'to-openai', messages: hello });
        return false;
      } catch (error) {
        return error instanceof OpenAI.APIError && error.status === 401 && error.code === 'api_key_revoked';
      }
    };
    await eventually(refused, 'the revoked key is refused');
    expect(await refusal(anthropic(key).messages.create({ model: 'to-openai', max_tokens: 16, messages: hello }))).toMatchObject({ status: 401, type: 'authentication_error', code: 'api_key_revoked' });

    const audit = (await (await fetch(`${url}/admin/audit?target=${id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { data: Array<{ actor: string; action: string }> };
    expect(audit.data.map((entry) => [entry.actor, entry.action])).toEqual(expect.arrayContaining([['admin', expect.stringContaining('revoke')]]));
  });

  it('a key used on a route it does not list: 403 permission_denied naming the model', async () => {
    const fromOpenai = await refusal(openai(narrow.key).chat.completions.create({ model: 'to-anthropic', messages: hello }));
    expect(fromOpenai).toMatchObject({ status: 403, code: 'permission_denied' });
    expect(fromOpenai.message).toContain('to-anthropic');
    expect(await refusal(anthropic(narrow.key).messages.create({ model: 'to-anthropic', max_tokens: 16, messages: hello }))).toMatchObject({ status: 403, type: 'permission_error' });
  });

  it('a key without the embeddings scope: 403 on /v1/embeddings', async () => {
    expect(await refusal(openai(narrow.key).embeddings.create({ model: 'embeddings', input: 'hello' }))).toMatchObject({ status: 403, code: 'permission_denied' });
    const ok = await openai(full.key).embeddings.create({ model: 'embeddings', input: 'hello' });
    expect(ok.data[0].embedding.length).toBeGreaterThan(0);
  });
});

describe('endpoints outside the pipeline need their scopes', () => {
  const get = (path: string, key?: string) => fetch(`${url}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});

  it.each([
    ['/v1/providers', 'routing:read'],
    ['/dashboard/data', 'routing:read'],
    ['/metrics', 'metrics'],
  ])('%s: 401 without a key, 403 without %s, 200 with it', async (path) => {
    expect((await get(path)).status).toBe(401);
    const denied = await get(path, full.key);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('permission_denied');
    expect((await get(path, reader.key)).status).toBe(200);
  });

  it('/v1/routing/decision needs routing:read', async () => {
    const decide = (key: string) => fetch(`${url}/v1/routing/decision`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'to-openai', messages: hello }) });
    expect((await decide(full.key)).status).toBe(403);
    expect((await decide(reader.key)).status).toBe(200);
  });

  it('/v1/models needs a valid key, /health and /ready none', async () => {
    expect((await get('/v1/models')).status).toBe(401);
    expect((await get('/health')).status).toBe(200);
    expect((await get('/ready')).status).toBe(200);
  });

  it('/admin needs the admin key: a client key is refused 403, no key 401', async () => {
    expect((await get('/admin/keys')).status).toBe(401);
    expect((await get('/admin/keys', full.key)).status).toBe(403);
    const listed = (await (await get('/admin/keys', ADMIN_KEY)).json()) as { data: Array<{ id: string }> };
    expect(listed.data.map((key) => key.id)).toEqual(expect.arrayContaining(['full', 'narrow', 'reader']));
  });
});

describe('limits and budgets', () => {
  it('a key over its rpm: 429 rate_limit_exceeded with Retry-After and x-ratelimit-* headers, in both shapes', async () => {
    const client = openai(limited.key);
    const first = await client.chat.completions.create({ model: 'to-openai', messages: hello }).withResponse();
    expect(first.response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    await client.chat.completions.create({ model: 'to-openai', messages: hello });
    const refused = await refusal(client.chat.completions.create({ model: 'to-openai', messages: hello }));
    expect(refused).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect(refused.message).toContain('requests per minute');
    expect(refused.message).toContain('2 a minute');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const fromAnthropic = await refusal(anthropic(limited.key).messages.create({ model: 'to-openai', max_tokens: 16, messages: hello }));
    expect(fromAnthropic).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' });
  });

  it('a key out of budget: 429 budget_exceeded that tells clients not to retry; nothing reaches an upstream', async () => {
    const before = harness.simulator.stats().requests;
    const refused = await refusal(openai(broke.key).chat.completions.create({ model: 'to-openai', max_tokens: 50, messages: hello }));
    expect(refused).toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect(refused.headers.get('x-should-retry')).toBe('false');
    expect(refused.message).toContain('lifetime budget');
    expect(harness.simulator.stats().requests).toBe(before);
  });
});

describe('a route whose budget is spent', () => {
  it('serves the request from its downgradeTo route, and the answer and ledger say so', async () => {
    const { data, response } = await openai(full.key).chat.completions.create({ model: 'premium', max_tokens: 20, messages: hello }).withResponse();
    expect(data.choices[0].message.content?.length).toBeGreaterThan(0);
    expect(response.headers.get('x-junction-downgraded-from')).toBe('premium');
    expect(response.headers.get('x-junction-route')).toBe('to-openai');
    expect(response.headers.get('x-should-retry')).toBeNull();
    const row = await ledgerRow(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ route: 'to-openai', deployment: 'openai-mini', status: 200, principal: 'full' });
    expect(row?.decisionReason).toMatch(/^downgraded from 'premium'/);
  });
});

describe('open access on a public address', () => {
  it('is refused at start unless the config asks for it by name', async () => {
    const open = testConfig('http://127.0.0.1:9');
    await expect(startJunction(open, { host: '0.0.0.0', port: 0, logger: createLogger('silent') })).rejects.toThrow(ConfigError);
    await expect(startJunction(open, { host: '0.0.0.0', port: 0, logger: createLogger('silent') })).rejects.toThrow(/auth\.openOnPublicAddress/);

    const asked = testConfig('http://127.0.0.1:9', { auth: { openOnPublicAddress: true } });
    const listening = await startJunction(asked, { host: '0.0.0.0', port: 0, logger: createLogger('silent') });
    await listening.close();
    const keyed = testConfig('http://127.0.0.1:9', { auth: { mode: 'keys' } });
    const secured = await startJunction(keyed, { host: '0.0.0.0', port: 0, logger: createLogger('silent') });
    await secured.close();
  });
});
