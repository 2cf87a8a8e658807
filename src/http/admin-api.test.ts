import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKey, hashKey } from '../access/keys';
import { createMemoryAccessStore } from '../access/store/memory-access-store';
import type { AccessStore } from '../access/store/types';
import { JunctionError } from '../errors';
import { createAdminOperations, type SpendQuery } from '../operations/admin';
import { registerAdminApi } from './admin-api';

const START = Date.UTC(2026, 0, 15, 12);
const ADMIN = { authorization: 'Bearer admin-secret' };

interface Harness {
  app: FastifyInstance;
  store: AccessStore;
  clock: { now: number };
  spendQueries: SpendQuery[];
}

async function harness(): Promise<Harness> {
  const store = createMemoryAccessStore();
  const clock = { now: START };
  const spendQueries: SpendQuery[] = [];
  let ids = 0;
  const admin = createAdminOperations({
    store,
    now: () => clock.now,
    generateKey: () => generateKey(),
    newKeyId: () => `key_${++ids}`,
    routeNames: () => ['chat', 'embed'],
    spend: async (query) => {
      spendQueries.push(query);
      return [{ team: 'research', route: 'chat', requests: 3, errors: 1, inputTokens: 30, outputTokens: 12, costUsd: 0.25 }];
    },
    usage: async () => ({ limits: [{ name: 'rpm', limit: 60, used: 2, reserved: 1, resetMs: 30_000 }], budgets: [{ period: 'month', usd: 10, spentUsd: 1.5, reservedUsd: 0.1, windowEnd: Date.UTC(2026, 1, 1) }] }),
  });
  const app = Fastify();
  registerAdminApi(app, {
    admin,
    authorize: (request) => {
      const header = request.headers.authorization;
      if (header === undefined) throw new JunctionError('invalid_request', 'Send the admin key as Authorization: Bearer <key>', { status: 401 });
      if (header === 'Bearer reader') throw new JunctionError('invalid_request', 'This key has no admin scope', { status: 403 });
      if (header !== ADMIN.authorization) throw new JunctionError('invalid_request', 'Unknown admin key', { status: 401 });
      return 'admin';
    },
  });
  await app.ready();
  return { app, store, clock, spendQueries };
}

describe('admin API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => {
    await h.app.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = ADMIN) =>
    h.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('refuses callers authorize refuses, before reading the body, in the OpenAI error shape', async () => {
    for (const [headers, status] of [
      [{}, 401],
      [{ authorization: 'Bearer reader' }, 403],
    ] as const) {
      const response = await call('POST', '/admin/keys', { name: 'x' }, headers);
      expect(response.statusCode).toBe(status);
      expect(response.headers['x-junction-error-code']).toBe('invalid_request');
      expect(response.json()).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_request' } });
    }
    const unknown = await call('GET', '/admin/nothing', undefined, {});
    expect(unknown.statusCode).toBe(401);
    expect(await h.store.listKeys({ includeInactive: true })).toEqual([]);
  });

  it('creates a key, shows it once, and never again', async () => {
    await call('POST', '/admin/teams', { id: 'research' });
    const created = await call('POST', '/admin/keys', {
      name: 'notebooks',
      team: 'research',
      tier: 'premium',
      scopes: ['chat'],
      routes: ['chat'],
      expiresAt: '2026-03-01',
      metadata: { owner: 'ana' },
      limits: { rpm: 60, tokenBurst: 1000 },
      budgets: [{ usd: 10, period: 'month' }],
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const { key, record } = created.json();
    expect(key).toMatch(/^jk-[0-9A-Za-z]{43}$/);
    expect(record).toEqual({
      object: 'key',
      id: 'key_1',
      prefix: key.slice(0, 7),
      name: 'notebooks',
      team: 'research',
      tier: 'premium',
      status: 'active',
      routes: ['chat'],
      scopes: ['chat'],
      expiresAt: '2026-03-01T00:00:00.000Z',
      metadata: { owner: 'ana' },
      limits: { rpm: 60, tokenBurst: 1000 },
      budgets: [{ usd: 10, period: 'month' }],
      createdAt: '2026-01-15T12:00:00.000Z',
      revokedAt: null,
      source: 'admin',
      version: expect.any(Number),
    });

    const hash = hashKey(key);
    const reads = [await call('GET', '/admin/keys/key_1'), await call('GET', '/admin/keys'), await call('GET', '/admin/audit'), await call('PATCH', '/admin/keys/key_1', { name: 'nb' })];
    for (const response of reads) {
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain(key);
      expect(response.body).not.toContain(hash);
    }
    expect(reads[0].json()).toEqual(record);
    expect(reads[1].json()).toEqual({ object: 'list', data: [record] });
    expect(reads[3].json()).toMatchObject({ name: 'nb' });
  });

  it.each([
    [{ name: 'a', tier: 'gold' }, 'tier'],
    [{ name: 'a', limits: { rpm: -5 } }, 'limits.rpm'],
    [{ name: 'a', budgets: [{ usd: 0, period: 'month' }] }, 'budgets[0].usd'],
    [{ name: 'a', routes: ['chta'] }, 'routes[0]'],
    [{ name: 'a', expiresAt: '2020-01-01' }, 'expiresAt'],
    [{ name: 'a', expiresAt: 'next tuesday' }, 'expiresAt'],
    [{ name: 'a', expiresAt: 1_900_000_000_000 }, 'expiresAt'],
    [{ name: 'a', expires_at: '2027-01-01' }, 'expires_at'],
    [{ name: 'a', team: 'ghost' }, 'team'],
  ])('answers 400 naming the field for %j', async (body, param) => {
    const response = await call('POST', '/admin/keys', body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param });
    expect(response.json().error.message.startsWith(`${param}: `)).toBe(true);
  });

  it('answers bad JSON, unknown ids, unknown query parameters and unknown paths with coded errors', async () => {
    const badJson = await h.app.inject({ method: 'POST', url: '/admin/keys', headers: { ...ADMIN, 'content-type': 'application/json' }, payload: '{"name":' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.code).toBe('invalid_json');
    const cases = [
      [await call('GET', '/admin/keys/ghost'), 404, 'key_not_found', null],
      [await call('DELETE', '/admin/keys/ghost'), 404, 'key_not_found', null],
      [await call('GET', '/admin/teams/ghost'), 404, 'team_not_found', null],
      [await call('GET', '/admin/keys?tema=research'), 400, 'invalid_request', 'tema'],
      [await call('GET', '/admin/keys?includeInactive=yes'), 400, 'invalid_request', 'includeInactive'],
      [await call('GET', '/admin/audit?limit=ten'), 400, 'invalid_request', 'limit'],
      [await call('GET', '/admin/audit?since=yesterday'), 400, 'invalid_request', 'since'],
      [await call('GET', '/admin/usage'), 400, 'invalid_request', 'key'],
      [await call('PUT', '/admin/keys'), 404, 'endpoint_not_found', null],
    ] as const;
    for (const [response, status, code, param] of cases) {
      expect(response.statusCode, response.body).toBe(status);
      expect(response.headers['x-junction-error-code']).toBe(code);
      expect(response.json().error).toMatchObject({ code, param });
    }
  });

  it('revokes with DELETE, hides revoked keys unless asked, and audits who did it', async () => {
    const { record } = (await call('POST', '/admin/keys', { name: 'a' })).json();
    h.clock.now += 1000;
    const revoked = await call('DELETE', `/admin/keys/${record.id}`);
    expect(revoked.json()).toMatchObject({ status: 'revoked', revokedAt: '2026-01-15T12:00:01.000Z' });
    expect((await call('GET', '/admin/keys')).json().data).toEqual([]);
    expect((await call('GET', '/admin/keys?includeInactive=true')).json().data.map((key: { id: string }) => key.id)).toEqual([record.id]);
    expect((await call('GET', `/admin/audit?target=${record.id}`)).json().data).toEqual([
      { at: '2026-01-15T12:00:01.000Z', actor: 'admin', action: 'key.revoke', target: record.id, details: { prefix: record.prefix, name: 'a' } },
      expect.objectContaining({ action: 'key.create', at: '2026-01-15T12:00:00.000Z' }),
    ]);
  });

  it('rotates with a grace period (a day unless told), returning the new key once', async () => {
    const first = (await call('POST', '/admin/keys', { name: 'svc', limits: { rpm: 5 } })).json();
    const rotated = await call('POST', `/admin/keys/${first.record.id}/rotate`, { graceSeconds: 600 });
    expect(rotated.statusCode).toBe(200);
    const body = rotated.json();
    expect(body.key).toMatch(/^jk-/);
    expect(body.key).not.toBe(first.key);
    expect(body.record).toMatchObject({ name: 'svc', limits: { rpm: 5 }, status: 'active' });
    expect(body.previous).toMatchObject({ id: first.record.id, expiresAt: '2026-01-15T12:10:00.000Z', status: 'active' });
    expect((await call('GET', '/admin/audit?limit=2')).json().data.map((entry: { action: string }) => entry.action)).toEqual(['key.rotate', 'key.create']);

    const byDefault = (await h.app.inject({ method: 'POST', url: `/admin/keys/${body.record.id}/rotate`, headers: ADMIN })).json();
    expect(byDefault.previous.expiresAt).toBe('2026-01-16T12:00:00.000Z');
    const bad = await call('POST', `/admin/keys/${byDefault.record.id}/rotate`, { graceSeconds: 'soon' });
    expect(bad.json().error.param).toBe('graceSeconds');
  });

  it('manages teams with merge patches', async () => {
    const created = await call('POST', '/admin/teams', { id: 'research', name: 'Research', limits: { rpm: 600 }, budgets: [{ usd: 100, period: 'month' }] });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      object: 'team',
      id: 'research',
      name: 'Research',
      metadata: {},
      limits: { rpm: 600 },
      budgets: [{ usd: 100, period: 'month' }],
      createdAt: '2026-01-15T12:00:00.000Z',
      source: 'admin',
      version: expect.any(Number),
    });
    expect((await call('POST', '/admin/teams', { id: 'research' })).statusCode).toBe(409);
    const patched = await call('PATCH', '/admin/teams/research', { limits: { tpm: 9000, rpm: null } });
    expect(patched.json().limits).toEqual({ tpm: 9000 });
    expect((await call('GET', '/admin/teams')).json().data.map((team: { id: string }) => team.id)).toEqual(['research']);
    expect((await call('GET', '/admin/teams/research')).json().limits).toEqual({ tpm: 9000 });
  });

  it('reports spend from the query string and usage of a key or team', async () => {
    const spend = await call('GET', '/admin/spend?groupBy=team,route&since=2026-01-01&until=2026-01-31&team=research&limit=5');
    expect(spend.json()).toEqual({ object: 'list', data: [{ team: 'research', route: 'chat', requests: 3, errors: 1, inputTokens: 30, outputTokens: 12, costUsd: 0.25 }] });
    expect(h.spendQueries).toEqual([{ groupBy: ['team', 'route'], since: '2026-01-01', until: '2026-01-31', filter: { team: 'research' }, limit: 5 }]);
    expect((await call('GET', '/admin/spend?groupBy=region')).json().error.param).toBe('groupBy[0]');
    expect((await call('GET', '/admin/spend?group_by=team')).json().error.param).toBe('group_by');

    await call('POST', '/admin/teams', { id: 'research' });
    const usage = await call('GET', '/admin/usage?team=research');
    expect(usage.json()).toEqual({
      object: 'usage',
      team: 'research',
      limits: [{ name: 'rpm', limit: 60, used: 2, reserved: 1, resetMs: 30_000 }],
      budgets: [{ period: 'month', usd: 10, spentUsd: 1.5, reservedUsd: 0.1, windowEnd: '2026-02-01T00:00:00.000Z' }],
    });
    expect((await call('GET', '/admin/usage?key=ghost')).statusCode).toBe(404);
    expect((await call('GET', '/admin/usage?key=a&team=b')).json().error.message).toBe('key: expected exactly one of key or team');
  });
});
