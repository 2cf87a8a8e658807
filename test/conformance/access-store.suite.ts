/**
 * The shared conformance suite every AccessStore implementation runs (CONVENTIONS: one suite
 * per port). It pins the contract beyond the interface's types:
 * - records round-trip exactly: absent optional fields stay absent; records handed out and
 *   passed in are copies;
 * - ids and key hashes are unique (`conflict`), and only a lowercase SHA-256 hash and a short
 *   prefix may be stored (`invalid_request`), never a key;
 * - updates change what the patch names (`undefined` removes an optional field) and bump the
 *   version; unknown ids fail with `key_not_found` / `team_not_found`;
 * - lists are oldest first; inactive keys (revoked from `revokedAt`, expired from `expiresAt`)
 *   are left out unless asked for;
 * - `changesSince(v)` returns exactly the records changed after `v`, at their latest, and a
 *   version from which asking again misses nothing, even while writes run concurrently and
 *   (with `createShared`) through another store instance over the same data;
 * - the audit log is newest first (ties: last appended first), `since` inclusive;
 * - after `close`, calls fail with `shutting_down`; closing twice is fine.
 * `create` must return a new, empty store on every call.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccessStore, KeyPatch } from '../../src/access/store/types';
import type { AuditEntry, KeyRecord, TeamRecord } from '../../src/access/types';
import { hashKey } from '../../src/access/keys';
import { isJunctionError, type ErrorCode } from '../../src/errors';

export interface AccessStoreSuiteOptions {
  create: () => Promise<AccessStore> | AccessStore;
  /** Two new store instances over the same (new, empty) data, as two replicas would hold them. */
  createShared?: () => Promise<[AccessStore, AccessStore]>;
}

const T = 1_700_000_000_000;
/** Concurrent creates in the concurrent-writers test: enough that commits interleave with the follower's reads. */
const WRITES = 200;

/** A key with every field set; `overrides` replace fields. */
export function sampleKey(index: number, overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: `key_${index}`,
    prefix: `jk-${String(index).padStart(4, '0')}`.slice(0, 7),
    hash: hashKey(`key-${index}`),
    name: `Key ${index} — ünïcode`,
    team: 'team_a',
    tier: 'premium',
    routes: ['chat-fast', 'embed'],
    scopes: ['chat', 'embeddings', 'routing:read'],
    expiresAt: T + 86_400_000,
    metadata: { owner: 'ana@example.com', 'cost-centre': '42' },
    limits: { rpm: 600, rpd: 10_000, tpm: 90_000, tpd: 1_000_000, burst: 20, tokenBurst: 4_000, maxConcurrent: 8 },
    budgets: [
      { usd: 0.1 + 0.2, period: 'day' },
      { usd: 1_000, period: 'month' },
    ],
    createdAt: T + index,
    revokedAt: T + 3_600_000,
    source: 'admin',
    version: 0,
    ...overrides,
  };
}

/** A key with every optional field absent. */
export function minimalKey(index: number): KeyRecord {
  return {
    id: `key_min_${index}`,
    prefix: 'jk-Ab',
    hash: hashKey(`minimal-${index}`),
    name: '',
    tier: 'free',
    routes: [],
    scopes: [],
    metadata: {},
    limits: {},
    budgets: [],
    createdAt: T + index,
    source: 'config',
    version: 0,
  };
}

/** A team with every field set; `overrides` replace fields. */
export function sampleTeam(index: number, overrides: Partial<TeamRecord> = {}): TeamRecord {
  return {
    id: `team_${index}`,
    name: `Team ${index}`,
    metadata: { region: 'eu' },
    limits: { rpm: 1_200, tpd: 5_000_000 },
    budgets: [{ usd: 250.5, period: 'week' }, { usd: 9_000, period: 'lifetime' }],
    createdAt: T + index,
    source: 'admin',
    version: 0,
    ...overrides,
  };
}

/** An active key with no expiry or revocation. */
const activeKey = (index: number, overrides: Partial<KeyRecord> = {}): KeyRecord => {
  const { expiresAt: _expires, revokedAt: _revoked, ...rest } = sampleKey(index, overrides);
  return { ...rest, ...overrides };
};

async function failure(promise: Promise<unknown>): Promise<ErrorCode | 'no error' | 'not a JunctionError'> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return isJunctionError(error) ? error.code : 'not a JunctionError';
  }
}

const ids = (records: Array<{ id: string }>) => records.map((record) => record.id);

export function runAccessStoreSuite(name: string, options: AccessStoreSuiteOptions): void {
  describe(`access store conformance: ${name}`, () => {
    const opened: AccessStore[] = [];
    async function fresh(): Promise<AccessStore> {
      const store = await options.create();
      opened.push(store);
      return store;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    describe('keys', () => {
      it('creates a key with a version set by the store, and finds it by id and by hash', async () => {
        const store = await fresh();
        const created = await store.createKey(sampleKey(1, { version: 77 }));
        expect(created.version).toBeGreaterThan(0);
        expect(created).toStrictEqual({ ...sampleKey(1), version: created.version });
        expect(await store.getKey('key_1')).toStrictEqual(created);
        expect(await store.findKeyByHash(hashKey('key-1'))).toStrictEqual(created);
        expect(await store.getKey('key_2')).toBeUndefined();
        expect(await store.findKeyByHash(hashKey('key-2'))).toBeUndefined();
      });

      it('round-trips every field, and absent optional fields stay absent', async () => {
        const store = await fresh();
        const full = await store.createKey(sampleKey(1));
        const minimal = await store.createKey(minimalKey(2));
        for (const field of ['team', 'expiresAt', 'revokedAt']) expect(minimal).not.toHaveProperty(field);
        expect(minimal).toStrictEqual({ ...minimalKey(2), version: minimal.version });
        expect(await store.getKey(full.id)).toStrictEqual(full);
        expect(await store.findKeyByHash(minimal.hash)).toStrictEqual(minimal);
        expect(await store.listKeys({ includeInactive: true })).toStrictEqual([full, minimal]);
        expect((await store.changesSince(0)).keys).toStrictEqual([full, minimal]);
      });

      it('refuses a second key with the same id or the same hash, and changes nothing', async () => {
        const store = await fresh();
        const first = await store.createKey(sampleKey(1));
        const { version } = await store.changesSince(0);
        expect(await failure(store.createKey(sampleKey(1, { hash: hashKey('other') })))).toBe('conflict');
        expect(await failure(store.createKey(sampleKey(2, { hash: first.hash })))).toBe('conflict');
        expect(await store.changesSince(version)).toEqual({ keys: [], teams: [], version });
        expect(await store.getKey('key_2')).toBeUndefined();
        expect(await store.findKeyByHash(first.hash)).toStrictEqual(first);
      });

      it('stores only a lowercase SHA-256 hash and a short prefix, never a key', async () => {
        const store = await fresh();
        const key = `jk-${'a'.repeat(43)}`;
        expect(await failure(store.createKey(sampleKey(1, { hash: key })))).toBe('invalid_request');
        expect(await failure(store.createKey(sampleKey(2, { hash: hashKey(key).toUpperCase() })))).toBe('invalid_request');
        expect(await failure(store.createKey(sampleKey(3, { prefix: key })))).toBe('invalid_request');
        expect(await store.listKeys({ includeInactive: true })).toEqual([]);
      });

      it('updates the fields a patch names, bumps the version and leaves the rest', async () => {
        const store = await fresh();
        const created = await store.createKey(sampleKey(1));
        const other = await store.createKey(sampleKey(2));
        const patch: KeyPatch = { name: 'renamed', tier: 'free', scopes: ['admin'], limits: { rpm: 5 }, budgets: [], metadata: { a: 'b' }, revokedAt: T + 5 };
        const updated = await store.updateKey('key_1', patch);
        expect(updated.version).toBeGreaterThan(other.version);
        expect(updated).toStrictEqual({ ...created, ...patch, version: updated.version });
        expect(await store.getKey('key_1')).toStrictEqual(updated);
        expect(await store.getKey('key_2')).toStrictEqual(other);
        const again = await store.updateKey('key_1', {});
        expect(again.version).toBeGreaterThan(updated.version);
      });

      it('removes an optional field given as undefined, and keeps a required one so given', async () => {
        const store = await fresh();
        const created = await store.createKey(sampleKey(1));
        const updated = await store.updateKey('key_1', { team: undefined, expiresAt: undefined, revokedAt: undefined, name: undefined, routes: undefined });
        for (const field of ['team', 'expiresAt', 'revokedAt']) expect(updated).not.toHaveProperty(field);
        expect(updated.name).toBe(created.name);
        expect(updated.routes).toEqual(created.routes);
        expect(await store.getKey('key_1')).toStrictEqual(updated);
        const restored = await store.updateKey('key_1', { team: 'team_b', expiresAt: T });
        expect(restored).toMatchObject({ team: 'team_b', expiresAt: T });
      });

      it('fails to update a key that does not exist', async () => {
        const store = await fresh();
        expect(await failure(store.updateKey('key_nope', { name: 'x' }))).toBe('key_not_found');
      });

      it('lists keys oldest first, ties by id, filtered by team', async () => {
        const store = await fresh();
        await store.createKey(activeKey(3, { createdAt: T + 1 }));
        await store.createKey(activeKey(1, { createdAt: T + 5, team: 'team_b' }));
        await store.createKey(activeKey(2, { createdAt: T + 1 }));
        expect(ids(await store.listKeys())).toEqual(['key_2', 'key_3', 'key_1']);
        expect(ids(await store.listKeys({ team: 'team_a' }))).toEqual(['key_2', 'key_3']);
        expect(ids(await store.listKeys({ team: 'team_b' }))).toEqual(['key_1']);
        expect(ids(await store.listKeys({ team: 'team_z' }))).toEqual([]);
      });

      it('leaves out revoked and expired keys unless asked for, judged at `now`', async () => {
        const store = await fresh();
        await store.createKey(activeKey(1));
        await store.createKey(activeKey(2, { revokedAt: T + 100 }));
        await store.createKey(activeKey(3, { expiresAt: T + 100 }));
        await store.createKey(activeKey(4, { revokedAt: T + 500, expiresAt: T + 900 }));
        expect(ids(await store.listKeys({ now: T + 99 }))).toEqual(['key_1', 'key_2', 'key_3', 'key_4']);
        expect(ids(await store.listKeys({ now: T + 100 }))).toEqual(['key_1', 'key_4']);
        expect(ids(await store.listKeys({ now: T + 500 }))).toEqual(['key_1']);
        // Without a time, any revoked key is inactive and expiry is not judged.
        expect(ids(await store.listKeys())).toEqual(['key_1', 'key_3']);
        expect(ids(await store.listKeys({ includeInactive: true, now: T + 1_000 }))).toEqual(['key_1', 'key_2', 'key_3', 'key_4']);
        expect(ids(await store.listKeys({ team: 'team_a', includeInactive: false, now: T + 1_000 }))).toEqual(['key_1']);
      });

      it('hands out copies and keeps copies of what it is given', async () => {
        const store = await fresh();
        const record = sampleKey(1);
        const created = await store.createKey(record);
        record.routes.push('mutated');
        record.metadata.owner = 'mutated';
        created.limits.rpm = 1;
        created.budgets.pop();
        const listed = await store.listKeys({ includeInactive: true });
        listed[0].scopes.length = 0;
        expect(await store.getKey('key_1')).toStrictEqual({ ...sampleKey(1), version: created.version });
      });
    });

    describe('teams', () => {
      it('creates, finds, lists (oldest first) and round-trips teams', async () => {
        const store = await fresh();
        const b = await store.createTeam(sampleTeam(2, { createdAt: T }));
        const a = await store.createTeam(sampleTeam(1, { createdAt: T + 9, metadata: {}, limits: {}, budgets: [], source: 'config', version: 31 }));
        expect(a.version).toBeGreaterThan(b.version);
        expect(a).toStrictEqual({ ...sampleTeam(1, { createdAt: T + 9, metadata: {}, limits: {}, budgets: [], source: 'config' }), version: a.version });
        expect(await store.getTeam('team_2')).toStrictEqual(b);
        expect(await store.getTeam('team_3')).toBeUndefined();
        expect(await store.listTeams()).toStrictEqual([b, a]);
      });

      it('refuses a second team with the same id, and fails to update one that does not exist', async () => {
        const store = await fresh();
        await store.createTeam(sampleTeam(1));
        expect(await failure(store.createTeam(sampleTeam(1, { name: 'again' })))).toBe('conflict');
        expect((await store.getTeam('team_1'))?.name).toBe('Team 1');
        expect(await failure(store.updateTeam('team_9', { name: 'x' }))).toBe('team_not_found');
      });

      it('updates the fields a patch names and bumps the version', async () => {
        const store = await fresh();
        const created = await store.createTeam(sampleTeam(1));
        const updated = await store.updateTeam('team_1', { name: 'Renamed', budgets: [{ usd: 3, period: 'day' }], limits: undefined });
        expect(updated.version).toBeGreaterThan(created.version);
        expect(updated).toStrictEqual({ ...created, name: 'Renamed', budgets: [{ usd: 3, period: 'day' }], version: updated.version });
        expect(await store.getTeam('team_1')).toStrictEqual(updated);
      });
    });

    describe('changesSince', () => {
      it('returns everything from 0, then exactly what changed after a version, keys and teams on one version line', async () => {
        const store = await fresh();
        expect(await store.changesSince(0)).toEqual({ keys: [], teams: [], version: 0 });
        const k1 = await store.createKey(sampleKey(1));
        const t1 = await store.createTeam(sampleTeam(1));
        const k2 = await store.createKey(sampleKey(2));
        const all = await store.changesSince(0);
        expect(all).toStrictEqual({ keys: [k1, k2], teams: [t1], version: k2.version });
        expect(k1.version < t1.version && t1.version < k2.version).toBe(true);

        expect(await store.changesSince(all.version)).toEqual({ keys: [], teams: [], version: all.version });
        const k1b = await store.updateKey('key_1', { revokedAt: T });
        const t1b = await store.updateTeam('team_1', { name: 'changed' });
        const after = await store.changesSince(all.version);
        expect(after).toStrictEqual({ keys: [k1b], teams: [t1b], version: t1b.version });
        expect((await store.changesSince(k1b.version)).keys).toEqual([]);
        expect((await store.changesSince(k1b.version)).teams).toStrictEqual([t1b]);
      });

      it('misses nothing when a cursor follows it: every record ends at its latest (property)', async () => {
        const store = await fresh();
        let run = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.oneof(fc.record({ op: fc.constant('key' as const), index: fc.nat(4) }), fc.record({ op: fc.constant('team' as const), index: fc.nat(2) }), fc.constant({ op: 'look' as const })), { maxLength: 14 }),
            async (operations) => {
              run += 1;
              const view = new Map<string, KeyRecord | TeamRecord>();
              let cursor = (await store.changesSince(0)).version;
              const look = async () => {
                const changes = await store.changesSince(cursor);
                expect(changes.version).toBeGreaterThanOrEqual(cursor);
                for (const record of [...changes.keys, ...changes.teams]) {
                  expect(record.version).toBeGreaterThan(cursor);
                  expect(record.version).toBeLessThanOrEqual(changes.version);
                  view.set(record.id, record);
                }
                cursor = changes.version;
              };
              const expected = new Map<string, KeyRecord | TeamRecord>();
              for (const operation of operations) {
                if (operation.op === 'look') await look();
                else if (operation.op === 'key') {
                  const id = `key_r${run}_${operation.index}`;
                  const record = expected.has(id)
                    ? await store.updateKey(id, { name: `n${run}` })
                    : await store.createKey(activeKey(operation.index, { id, hash: hashKey(id) }));
                  expected.set(id, record);
                } else {
                  const id = `team_r${run}_${operation.index}`;
                  const record = expected.has(id) ? await store.updateTeam(id, { name: `n${run}` }) : await store.createTeam(sampleTeam(operation.index, { id }));
                  expected.set(id, record);
                }
              }
              await look();
              expect(new Map([...view].filter(([id]) => id.includes(`_r${run}_`)))).toStrictEqual(expected);
            },
          ),
          { numRuns: 25 },
        );
      });
    });

    describe('audit log', () => {
      const entry = (at: number, target: string, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
        at,
        actor: 'admin',
        action: 'key.update',
        target,
        details: { fields: ['name', 'limits'], before: { rpm: 5 }, note: 'ünïcode', amount: 0.1 + 0.2 },
        ...overrides,
      });

      it('appends and lists newest first, the last appended first at one instant, round-tripping each entry', async () => {
        const store = await fresh();
        const bare: AuditEntry = { at: T + 2, actor: 'cli', action: 'key.revoke', target: 'key_2' };
        await store.audit(entry(T + 1, 'key_1'));
        await store.audit(entry(T + 3, 'key_1', { action: 'key.rotate' }));
        await store.audit(bare);
        await store.audit(entry(T + 2, 'team_1', { action: 'team.update', actor: 'key:key_9' }));
        const log = await store.auditLog();
        expect(log).toStrictEqual([
          entry(T + 3, 'key_1', { action: 'key.rotate' }),
          entry(T + 2, 'team_1', { action: 'team.update', actor: 'key:key_9' }),
          bare,
          entry(T + 1, 'key_1'),
        ]);
        expect(log[2]).not.toHaveProperty('details');
      });

      it('filters by since (inclusive) and target, and keeps the newest `limit`', async () => {
        const store = await fresh();
        for (let index = 0; index < 6; index += 1) await store.audit(entry(T + index, index % 2 === 0 ? 'key_even' : 'key_odd'));
        const times = (log: AuditEntry[]) => log.map((item) => item.at - T);
        expect(times(await store.auditLog({ since: T + 3 }))).toEqual([5, 4, 3]);
        expect(times(await store.auditLog({ target: 'key_even' }))).toEqual([4, 2, 0]);
        expect(times(await store.auditLog({ limit: 2 }))).toEqual([5, 4]);
        expect(times(await store.auditLog({ limit: 0 }))).toEqual([]);
        expect(times(await store.auditLog({ target: 'key_odd', since: T + 2, limit: 1 }))).toEqual([5]);
        expect(times(await store.auditLog({ target: 'key_none' }))).toEqual([]);
        expect(await failure(store.auditLog({ limit: -1 }))).toBe('invalid_request');
        expect(await failure(store.auditLog({ limit: 1.5 }))).toBe('invalid_request');
      });
    });

    describe('close', () => {
      it('fails every call with shutting_down afterwards, and may be called twice', async () => {
        const store = await fresh();
        await store.createKey(sampleKey(1));
        await store.close();
        await store.close();
        for (const call of [
          () => store.getKey('key_1'),
          () => store.findKeyByHash(hashKey('key-1')),
          () => store.createKey(sampleKey(2)),
          () => store.updateKey('key_1', {}),
          () => store.listKeys(),
          () => store.listTeams(),
          () => store.changesSince(0),
          () => store.audit({ at: T, actor: 'cli', action: 'x', target: 'y' }),
          () => store.auditLog(),
        ]) {
          expect(await failure(call())).toBe('shutting_down');
        }
      });
    });

    describe('concurrent writers', () => {
      it('a cursor following changesSince while creates run concurrently sees every one', async () => {
        const [first, second] = options.createShared === undefined ? [await fresh(), undefined] : await options.createShared();
        opened.push(first);
        if (second !== undefined) opened.push(second);
        const writers = [first, second ?? first];
        const seen = new Set<string>();
        let cursor = 0;
        let writing = true;
        const follow = (async () => {
          while (writing) {
            const changes = await first.changesSince(cursor);
            for (const record of changes.keys) seen.add(record.id);
            cursor = changes.version;
            await new Promise((resolve) => setImmediate(resolve));
          }
        })();
        const created = await Promise.all(Array.from({ length: WRITES }, (_, index) => writers[index % 2].createKey(activeKey(index, { hash: hashKey(`c${index}`) }))));
        writing = false;
        await follow;
        const last = await first.changesSince(cursor);
        for (const record of last.keys) seen.add(record.id);
        expect(seen.size).toBe(WRITES);
        expect(new Set(created.map((record) => record.version)).size).toBe(WRITES);
      });
    });

    if (options.createShared !== undefined) {
      const createShared = options.createShared;
      describe('two instances over the same data', () => {
        it('share one growing version line, one id and hash space, and each sees the other\'s changes', async () => {
          const [a, b] = await createShared();
          opened.push(a, b);
          const k1 = await a.createKey(sampleKey(1));
          const t1 = await b.createTeam(sampleTeam(1));
          const k1b = await b.updateKey('key_1', { revokedAt: T });
          const k2 = await a.createKey(sampleKey(2));
          expect([k1.version, t1.version, k1b.version, k2.version]).toEqual([...[k1.version, t1.version, k1b.version, k2.version]].sort((x, y) => x - y));
          expect(new Set([k1.version, t1.version, k1b.version, k2.version]).size).toBe(4);
          expect(await b.changesSince(k1.version)).toStrictEqual({ keys: [k1b, k2], teams: [t1], version: k2.version });
          expect(await a.findKeyByHash(k1.hash)).toStrictEqual(k1b);
          expect(await failure(b.createKey(sampleKey(2, { hash: hashKey('fresh') })))).toBe('conflict');
          expect(await failure(b.createKey(sampleKey(3, { hash: k2.hash })))).toBe('conflict');
          await a.audit({ at: T, actor: 'admin', action: 'key.create', target: 'key_1' });
          expect(await b.auditLog()).toEqual([{ at: T, actor: 'admin', action: 'key.create', target: 'key_1' }]);
        });
      });
    }
  });
}
