import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { generateKey, hashKey } from '../../access/keys';
import { createMemoryAccessStore } from '../../access/store/memory-access-store';
import type { AccessStore } from '../../access/store/types';
import type { KeyRecord, TeamRecord } from '../../access/types';
import { JunctionError } from '../../errors';
import { createAdminOperations, type AdminOperations, type SpendQuery, type UsageReport } from '.';

const START = Date.UTC(2026, 0, 15, 12);
const DAY = 86_400_000;

interface Harness {
  store: AccessStore;
  admin: AdminOperations;
  clock: { now: number };
  spendQueries: SpendQuery[];
}

function harness(overrides: { routeNames?: string[]; withSources?: boolean; declared?: { keys: KeyRecord[]; teams: TeamRecord[] } } = {}): Harness {
  const store = createMemoryAccessStore();
  const clock = { now: START };
  let ids = 0;
  const spendQueries: SpendQuery[] = [];
  const usage: UsageReport = { limits: [{ name: 'rpm', limit: 60, used: 3, reserved: 1 }], budgets: [] };
  const admin = createAdminOperations({
    store,
    now: () => clock.now,
    generateKey: () => generateKey(),
    newKeyId: () => `key_${++ids}`,
    newTeamId: () => `team_${++ids}`,
    routeNames: overrides.routeNames ? () => overrides.routeNames! : undefined,
    declared: overrides.declared ? () => overrides.declared! : undefined,
    ...(overrides.withSources === false
      ? {}
      : {
          spend: async (query) => {
            spendQueries.push(query);
            return [{ team: 'research', requests: 2, errors: 0, inputTokens: 10, outputTokens: 5, costUsd: 0.01 }];
          },
          usage: async () => usage,
        }),
  });
  return { store, admin, clock, spendQueries };
}

async function failure(promise: Promise<unknown>): Promise<JunctionError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(JunctionError);
  return error as JunctionError;
}

function configKey(overrides: Partial<KeyRecord> = {}): KeyRecord {
  const { prefix, hash } = generateKey();
  return { id: 'ci', prefix, hash, name: 'ci', tier: 'standard', routes: ['*'], scopes: ['chat'], metadata: {}, limits: {}, budgets: [], createdAt: START, source: 'config', version: 0, ...overrides };
}

describe('admin operations: keys', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('creates a key shown once, stores only its hash, applies defaults and audits it without the key', async () => {
    await h.admin.createTeam('admin', { id: 'research' });
    const { key, record } = await h.admin.createKey('admin', { name: 'notebooks', team: 'research', limits: { rpm: 60 }, budgets: [{ usd: 10, period: 'month' }] });
    expect(key).toMatch(/^jk-[0-9A-Za-z]{43}$/);
    expect(record).toEqual({
      id: 'key_1',
      prefix: key.slice(0, 7),
      name: 'notebooks',
      team: 'research',
      tier: 'standard',
      routes: ['*'],
      scopes: ['chat', 'embeddings'],
      metadata: {},
      limits: { rpm: 60 },
      budgets: [{ usd: 10, period: 'month' }],
      createdAt: START,
      source: 'admin',
      version: expect.any(Number),
      status: 'active',
    });
    expect(record).not.toHaveProperty('hash');
    const stored = await h.store.findKeyByHash(hashKey(key));
    expect(stored?.id).toBe('key_1');

    const [entry] = await h.admin.auditLog({ target: 'key_1' });
    expect(entry).toMatchObject({ at: START, actor: 'admin', action: 'key.create', target: 'key_1', details: { prefix: key.slice(0, 7), team: 'research', limits: { rpm: 60 } } });
    const log = JSON.stringify(await h.store.auditLog());
    expect(log).not.toContain(key);
    expect(log).not.toContain(stored!.hash);
  });

  it.each([
    [{}, 'name', /required/],
    [{ name: '  ' }, 'name', /non-empty/],
    [{ name: 'a', tier: 'gold' }, 'tier', /one of free, standard, premium, got "gold"/],
    [{ name: 'a', scopes: ['chat', 'sudo'] }, 'scopes[1]', /one of chat, embeddings, routing:read, metrics, admin/],
    [{ name: 'a', scopes: [] }, 'scopes', /at least 1 entry/],
    [{ name: 'a', routes: ['has space'] }, 'routes[0]', /route name/],
    [{ name: 'a', limits: { rpm: 0 } }, 'limits.rpm', />= 1, got 0/],
    [{ name: 'a', limits: { tpm: 1.5 } }, 'limits.tpm', /whole number/],
    [{ name: 'a', limits: { burst: -1 } }, 'limits.burst', />= 0, got -1/],
    [{ name: 'a', limits: { rps: 3 } }, 'limits.rps', /unknown field/],
    [{ name: 'a', budgets: [{ usd: 0, period: 'day' }] }, 'budgets[0].usd', /> 0, got 0/],
    [{ name: 'a', budgets: [{ usd: 5, period: 'year' }] }, 'budgets[0].period', /one of day, week, month, lifetime/],
    [{ name: 'a', budgets: [{ usd: 5, period: 'day' }, { usd: 9, period: 'day' }] }, 'budgets[1].period', /one budget per period/],
    [{ name: 'a', metadata: { owner: 7 } }, 'metadata.owner', /a string, got 7/],
    [{ name: 'a', expiresAt: START - 1 }, 'expiresAt', /in the future/],
    [{ name: 'a', expiresAt: START }, 'expiresAt', /in the future/],
    [{ name: 'a', team: 'ghost' }, 'team', /no team has id "ghost"/],
    [{ name: 'a', team: 'two words' }, 'team', /expected an id/],
    [{ name: 'a', hash: 'f'.repeat(64) }, 'hash', /unknown field/],
  ])('refuses %j naming %s', async (input, param, message) => {
    const error = await failure(h.admin.createKey('admin', input as never));
    expect(error.code).toBe('invalid_request');
    expect(error.param).toBe(param);
    expect(error.message.startsWith(`${param}: `)).toBe(true);
    expect(error.message).toMatch(message);
    expect(await h.store.listKeys({ includeInactive: true })).toEqual([]);
    expect(await h.store.auditLog()).toEqual([]);
  });

  it('accepts only configured routes when it knows them', async () => {
    const known = harness({ routeNames: ['chat', 'embed'] });
    const error = await failure(known.admin.createKey('admin', { name: 'a', routes: ['chat', 'chta'] }));
    expect(error.param).toBe('routes[1]');
    expect(error.message).toContain('this gateway serves: chat, embed');
    const { record } = await known.admin.createKey('admin', { name: 'a', routes: ['embed', '*', 'embed'] });
    expect(record.routes).toEqual(['embed', '*']);
  });

  it('updates as a merge patch, audits what changed from what, and skips changes that change nothing', async () => {
    await h.admin.createTeam('admin', { id: 'research' });
    const { record } = await h.admin.createKey('admin', { name: 'a', team: 'research', expiresAt: START + 30 * DAY, metadata: { owner: 'ana', env: 'dev' }, limits: { rpm: 60, tpm: 1000 } });
    h.clock.now += 1000;
    const updated = await h.admin.updateKey('ops', record.id, { team: null, expiresAt: null, metadata: { env: null, cost: 'c1' }, limits: { rpm: 120, tpm: null, maxConcurrent: 4 }, tier: 'premium' });
    expect(updated).toMatchObject({ tier: 'premium', metadata: { owner: 'ana', cost: 'c1' }, limits: { rpm: 120, maxConcurrent: 4 } });
    expect(updated).not.toHaveProperty('team');
    expect(updated).not.toHaveProperty('expiresAt');
    expect(updated.limits).not.toHaveProperty('tpm');

    const [entry] = await h.admin.auditLog({ target: record.id, limit: 1 });
    expect(entry).toEqual({
      at: START + 1000,
      actor: 'ops',
      action: 'key.update',
      target: record.id,
      details: {
        prefix: record.prefix,
        changes: {
          team: { from: 'research', to: null },
          tier: { from: 'standard', to: 'premium' },
          expiresAt: { from: new Date(START + 30 * DAY).toISOString(), to: null },
          metadata: { from: { owner: 'ana', env: 'dev' }, to: { owner: 'ana', cost: 'c1' } },
          limits: { from: { rpm: 60, tpm: 1000 }, to: { rpm: 120, maxConcurrent: 4 } },
        },
      },
    });

    const entries = (await h.admin.auditLog()).length;
    const same = await h.admin.updateKey('ops', record.id, { tier: 'premium', metadata: { env: null } });
    expect(same.version).toBe(updated.version);
    expect(await h.admin.auditLog()).toHaveLength(entries);
  });

  it('refuses to change, revoke or rotate a key declared in the config', async () => {
    await h.store.createKey(configKey());
    for (const attempt of [h.admin.updateKey('admin', 'ci', { name: 'x' }), h.admin.revokeKey('admin', 'ci'), h.admin.rotateKey('admin', 'ci', { graceSeconds: 60 })]) {
      const error = await failure(attempt);
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/key ci is declared in the config \(auth\.keys\); change it there/);
    }
    expect(await h.store.auditLog()).toEqual([]);
  });

  it('answers key_not_found for an unknown id', async () => {
    for (const attempt of [h.admin.getKey('nope'), h.admin.updateKey('a', 'nope', {}), h.admin.revokeKey('a', 'nope'), h.admin.rotateKey('a', 'nope', { graceSeconds: 0 })]) {
      expect((await failure(attempt)).code).toBe('key_not_found');
    }
  });

  it('revokes once: the key is inactive from then on and a second revoke writes nothing', async () => {
    const { record } = await h.admin.createKey('admin', { name: 'a' });
    h.clock.now += 5000;
    const revoked = await h.admin.revokeKey('admin', record.id);
    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: START + 5000 });
    expect(await h.admin.listKeys()).toEqual([]);
    expect((await h.admin.listKeys({ includeInactive: true })).map((key) => key.id)).toEqual([record.id]);
    h.clock.now += 5000;
    expect((await h.admin.revokeKey('admin', record.id)).revokedAt).toBe(START + 5000);
    expect((await h.admin.auditLog({ target: record.id })).map((entry) => entry.action)).toEqual(['key.revoke', 'key.create']);
  });

  it('lists keys by team, with their status', async () => {
    await h.admin.createTeam('admin', { id: 'research' });
    await h.admin.createKey('admin', { name: 'a', team: 'research', expiresAt: START + 1000 });
    await h.admin.createKey('admin', { name: 'b' });
    expect((await h.admin.listKeys({ team: 'research' })).map((key) => key.name)).toEqual(['a']);
    h.clock.now += 1000;
    expect((await h.admin.listKeys()).map((key) => key.name)).toEqual(['b']);
    expect((await h.admin.listKeys({ includeInactive: true })).map((key) => [key.name, key.status])).toEqual([
      ['a', 'expired'],
      ['b', 'active'],
    ]);
  });

  it('rotates: a new key with the same settings, the old one valid for the grace period, both audited', async () => {
    const created = await h.admin.createKey('admin', { name: 'svc', tier: 'premium', scopes: ['chat'], metadata: { owner: 'ana' }, limits: { rpm: 10 }, budgets: [{ usd: 5, period: 'day' }] });
    h.clock.now += 60_000;
    const rotated = await h.admin.rotateKey('ops', created.record.id, { graceSeconds: 3600 });
    expect(rotated.key).not.toBe(created.key);
    expect(rotated.record).toMatchObject({ name: 'svc', tier: 'premium', scopes: ['chat'], metadata: { owner: 'ana' }, limits: { rpm: 10 }, budgets: [{ usd: 5, period: 'day' }], status: 'active', createdAt: START + 60_000 });
    expect(rotated.record.id).not.toBe(created.record.id);
    expect(rotated.previous).toMatchObject({ id: created.record.id, expiresAt: START + 60_000 + 3_600_000, status: 'active' });
    expect((await h.store.findKeyByHash(hashKey(rotated.key)))?.id).toBe(rotated.record.id);

    const log = await h.admin.auditLog({ since: START + 60_000 });
    expect(log.map((entry) => [entry.action, entry.target, entry.actor])).toEqual([
      ['key.rotate', created.record.id, 'ops'],
      ['key.create', rotated.record.id, 'ops'],
    ]);
    expect(log[0].details).toEqual({ prefix: created.record.prefix, replacedBy: rotated.record.id, newPrefix: rotated.record.prefix, graceSeconds: 3600, expiresAt: new Date(START + 3_660_000).toISOString() });
    expect(log[1].details).toMatchObject({ rotatedFrom: created.record.id });
    expect(JSON.stringify(log)).not.toContain(rotated.key);

    h.clock.now += 3_600_000;
    expect((await h.admin.getKey(created.record.id)).status).toBe('expired');
    expect((await h.admin.getKey(rotated.record.id)).status).toBe('active');
  });

  it('keeps an earlier expiry when rotating, and refuses to rotate a key that no longer works', async () => {
    const { record } = await h.admin.createKey('admin', { name: 'a', expiresAt: START + 10_000 });
    const rotated = await h.admin.rotateKey('admin', record.id, { graceSeconds: 3600 });
    expect(rotated.previous.expiresAt).toBe(START + 10_000);
    expect(rotated.record.expiresAt).toBe(START + 10_000);

    const other = await h.admin.createKey('admin', { name: 'b' });
    const immediate = await h.admin.rotateKey('admin', other.record.id, { graceSeconds: 0 });
    expect(immediate.previous.status).toBe('expired');
    const again = await failure(h.admin.rotateKey('admin', other.record.id, { graceSeconds: 0 }));
    expect(again.message).toContain('is expired');

    const third = await h.admin.createKey('admin', { name: 'c' });
    expect((await failure(h.admin.rotateKey('admin', third.record.id, { graceSeconds: -1 }))).param).toBe('graceSeconds');
    expect((await failure(h.admin.rotateKey('admin', third.record.id, { graceSeconds: 31 * 86_400 }))).param).toBe('graceSeconds');
    await h.admin.revokeKey('admin', third.record.id);
    expect((await failure(h.admin.rotateKey('admin', third.record.id, { graceSeconds: 1 }))).message).toContain('is revoked');
  });

  it('never writes a key or its hash to the audit log, whatever the settings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }).filter((name) => name.trim() !== ''),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }),
        fc.integer({ min: 0, max: 7200 }),
        async (name, metadata, graceSeconds) => {
          const fresh = harness();
          const created = await fresh.admin.createKey('admin', { name, metadata });
          const rotated = await fresh.admin.rotateKey('admin', created.record.id, { graceSeconds });
          await fresh.admin.updateKey('admin', rotated.record.id, { name: `${name}!` });
          await fresh.admin.revokeKey('admin', rotated.record.id);
          const log = JSON.stringify(await fresh.store.auditLog());
          for (const secret of [created.key, rotated.key, hashKey(created.key), hashKey(rotated.key)]) expect(log).not.toContain(secret);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('admin operations: keys and teams declared in the config', () => {
  it('lists and shows them with the stored ones, lets keys join their teams, and changes none of them', async () => {
    const platform: TeamRecord = { id: 'platform', name: 'Platform', metadata: {}, limits: { rpm: 100 }, budgets: [], createdAt: START - 1, source: 'config', version: 0 };
    const ci = configKey({ team: 'platform', createdAt: START - 1 });
    const h = harness({ declared: { keys: [ci], teams: [platform] } });
    const { record } = await h.admin.createKey('admin', { name: 'svc', team: 'platform' });
    expect((await h.admin.listKeys()).map((key) => [key.id, key.source])).toEqual([
      ['ci', 'config'],
      [record.id, 'admin'],
    ]);
    expect((await h.admin.listKeys({ team: 'platform' })).map((key) => key.id)).toEqual(['ci', record.id]);
    expect(await h.admin.getKey('ci')).toMatchObject({ id: 'ci', source: 'config', status: 'active' });
    expect(await h.admin.getKey('ci')).not.toHaveProperty('hash');
    expect((await h.admin.listTeams()).map((team) => team.id)).toEqual(['platform']);
    expect((await h.admin.getTeam('platform')).name).toBe('Platform');
    expect((await h.admin.usage({ key: 'ci' })).limits).toHaveLength(1);

    expect((await failure(h.admin.revokeKey('admin', 'ci'))).message).toContain('declared in the config');
    expect((await failure(h.admin.updateTeam('admin', 'platform', { name: 'x' }))).message).toContain('declared in the config');
    expect((await failure(h.admin.createTeam('admin', { id: 'platform' }))).code).toBe('conflict');
    expect(await h.store.listTeams()).toEqual([]);
  });
});

describe('admin operations: teams', () => {
  it('creates teams with a given or generated id, refuses duplicates, and merges updates', async () => {
    const { admin, store } = harness();
    const research = await admin.createTeam('admin', { id: 'research', limits: { rpm: 600 }, budgets: [{ usd: 100, period: 'month' }] });
    expect(research).toMatchObject({ id: 'research', name: 'research', source: 'admin', limits: { rpm: 600 } });
    const generated = await admin.createTeam('admin', { name: 'Data science' });
    expect(generated).toMatchObject({ id: 'team_1', name: 'Data science' });
    expect((await failure(admin.createTeam('admin', { id: 'research' }))).code).toBe('conflict');

    const updated = await admin.updateTeam('ops', 'research', { limits: { rpm: null, tpm: 50_000 }, metadata: { lead: 'ana' } });
    expect(updated).toMatchObject({ limits: { tpm: 50_000 }, metadata: { lead: 'ana' } });
    expect(updated.limits).not.toHaveProperty('rpm');
    expect((await admin.listTeams()).map((team) => team.id)).toEqual(['research', 'team_1']);
    expect((await admin.auditLog({ target: 'research' })).map((entry) => [entry.action, entry.actor])).toEqual([
      ['team.update', 'ops'],
      ['team.create', 'admin'],
    ]);

    expect((await failure(admin.getTeam('ghost'))).code).toBe('team_not_found');
    expect((await failure(admin.updateTeam('admin', 'research', { limits: { maxConcurrent: 3 } } as never))).param).toBe('limits.maxConcurrent');

    await store.createTeam({ id: 'platform', name: 'platform', metadata: {}, limits: {}, budgets: [], createdAt: START, source: 'config', version: 0 });
    expect((await failure(admin.updateTeam('admin', 'platform', { name: 'x' }))).message).toMatch(/team platform is declared in the config \(auth\.teams\)/);
  });
});

describe('admin operations: audit, spend and usage', () => {
  it('reads the audit log newest first, at most 100 entries unless asked, and checks the query', async () => {
    const { admin, clock } = harness();
    for (let index = 0; index < 105; index += 1) {
      clock.now += 1;
      await admin.createTeam('admin', { id: `t${index}` });
    }
    const log = await admin.auditLog();
    expect(log).toHaveLength(100);
    expect(log[0].target).toBe('t104');
    expect((await admin.auditLog({ limit: 3, since: START + 104 })).map((entry) => entry.target)).toEqual(['t104', 't103']);
    expect((await failure(admin.auditLog({ limit: 1001 }))).param).toBe('limit');
  });

  it('checks spend queries and hands them to the ledger', async () => {
    const { admin, spendQueries } = harness();
    const rows = await admin.spend({ groupBy: ['team', 'route', 'team'], since: '2026-01-01', until: '2026-01-31', filter: { team: 'research' }, limit: 10 });
    expect(rows[0].costUsd).toBe(0.01);
    expect(spendQueries).toEqual([{ groupBy: ['team', 'route'], since: '2026-01-01', until: '2026-01-31', filter: { team: 'research' }, limit: 10 }]);
    expect((await failure(admin.spend({ groupBy: ['region' as never] }))).param).toBe('groupBy[0]');
    expect((await failure(admin.spend({ groupBy: [], since: '2026-02-30' }))).param).toBe('since');
    expect((await failure(admin.spend({ groupBy: [], since: '2026-02-02', until: '2026-02-01' }))).message).toBe('until: expected a day on or after since');
    expect(spendQueries).toHaveLength(1);
    expect((await failure(harness({ withSources: false }).admin.spend({ groupBy: [] }))).code).toBe('endpoint_not_found');
  });

  it('reports usage for exactly one existing key or team', async () => {
    const { admin } = harness();
    const { record } = await admin.createKey('admin', { name: 'a' });
    expect((await admin.usage({ key: record.id })).limits[0]).toEqual({ name: 'rpm', limit: 60, used: 3, reserved: 1 });
    expect((await failure(admin.usage({}))).message).toBe('key: expected exactly one of key or team');
    expect((await failure(admin.usage({ key: 'a', team: 'b' }))).code).toBe('invalid_request');
    expect((await failure(admin.usage({ key: 'ghost' }))).code).toBe('key_not_found');
    expect((await failure(admin.usage({ team: 'ghost' }))).code).toBe('team_not_found');
  });
});
