/**
 * The key ring over the memory store, with an injected clock and polls driven by `refresh()`
 * (the timer is set far off except where the timer itself is under test). A thin wrapper around
 * the store counts, holds back or fails its calls, to show what reaches the store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { keyRecordFromConfig } from '../../src/access/config-keys';
import { createKeyRing, type KeyCheck, type KeyRing, type KeyRingOptions } from '../../src/access/key-ring';
import { generateKey, type GeneratedKey } from '../../src/access/keys';
import { createMemoryAccessStore } from '../../src/access/store/memory-access-store';
import type { AccessStore } from '../../src/access/store/types';
import type { KeyRecord } from '../../src/access/types';
import { JunctionError, isJunctionError } from '../../src/errors';
import { sampleTeam } from '../conformance/access-store.suite';
import { until } from '../support/until';

const T = 1_700_000_000_000;

/** A store whose calls are counted, and whose lookups and polls can be held back or made to fail. */
function instrumented(inner: AccessStore = createMemoryAccessStore()) {
  const calls = { findKeyByHash: 0, changesSince: 0 };
  let gate: Promise<void> | undefined;
  let failing: Error | undefined;
  let openGate: () => void = () => undefined;
  const store: AccessStore = {
    ...inner,
    async findKeyByHash(hash) {
      calls.findKeyByHash += 1;
      if (gate !== undefined) await gate;
      if (failing !== undefined) throw failing;
      return inner.findKeyByHash(hash);
    },
    async changesSince(version) {
      calls.changesSince += 1;
      if (failing !== undefined) throw failing;
      return inner.changesSince(version);
    },
  };
  return {
    store,
    inner,
    calls,
    hold() {
      gate = new Promise((resolve) => {
        openGate = resolve;
      });
    },
    release() {
      gate = undefined;
      openGate();
    },
    fail(error: Error | undefined) {
      failing = error;
    },
  };
}

/** A stored key record for a generated key. */
function stored(secret: GeneratedKey, id: string, overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id, prefix: secret.prefix, hash: secret.hash, name: id, team: 'team_1', tier: 'standard', routes: ['*'], scopes: ['chat'],
    metadata: {}, limits: { rpm: 60 }, budgets: [], createdAt: T, source: 'admin', version: 0, ...overrides,
  };
}

describe('key ring', () => {
  const rings: KeyRing[] = [];
  let now = T;
  const clock = () => now;
  function ring(store: AccessStore, options: Partial<KeyRingOptions> = {}): KeyRing {
    const created = createKeyRing({ store, now: clock, pollMs: 3_600_000, ...options });
    rings.push(created);
    return created;
  }
  afterEach(() => {
    for (const item of rings.splice(0)) item.close();
    now = T;
  });

  const reasonOf = (check: KeyCheck) => (check.ok ? 'ok' : check.reason);

  it('loads keys and teams at start, then answers known keys synchronously, with their team', async () => {
    const store = createMemoryAccessStore();
    const secret = generateKey();
    const team = await store.createTeam(sampleTeam(1));
    const key = await store.createKey(stored(secret, 'key_1'));
    const keys = ring(store);
    await keys.ready;
    expect(keys.version).toBe(key.version);
    const check = keys.check(secret.key, now);
    expect(check).toEqual({ ok: true, key, team });
    const lone = generateKey();
    await store.createKey(stored(lone, 'key_2', { team: undefined }));
    await keys.refresh();
    expect(keys.check(lone.key, now)).toStrictEqual({ ok: true, key: expect.objectContaining({ id: 'key_2' }) });
  });

  it.each<[string | undefined, string]>([
    [undefined, 'missing'],
    ['', 'missing'],
    ['sk-not-ours', 'malformed'],
    [`jk-${'a'.repeat(42)}`, 'malformed'],
    [`Bearer jk-${'a'.repeat(43)}`, 'malformed'],
  ])('refuses %j at once as %s, without asking the store', async (credential, reason) => {
    const { store, calls } = instrumented();
    const keys = ring(store);
    await keys.ready;
    expect(keys.check(credential, now)).toEqual({ ok: false, reason });
    expect(calls.findKeyByHash).toBe(0);
  });

  it('judges revocation and expiry at the time given, from their instant on', async () => {
    const store = createMemoryAccessStore();
    const [revoking, expiring] = [generateKey(), generateKey()];
    await store.createKey(stored(revoking, 'key_r', { revokedAt: T + 1_000 }));
    await store.createKey(stored(expiring, 'key_e', { expiresAt: T + 2_000, revokedAt: T + 5_000 }));
    const keys = ring(store);
    await keys.ready;
    expect([reasonOf(keys.check(revoking.key, T + 999) as KeyCheck), reasonOf(keys.check(revoking.key, T + 1_000) as KeyCheck)]).toEqual(['ok', 'revoked']);
    expect([reasonOf(keys.check(expiring.key, T + 1_999) as KeyCheck), reasonOf(keys.check(expiring.key, T + 2_000) as KeyCheck)]).toEqual(['ok', 'expired']);
    expect(reasonOf(keys.check(expiring.key, T + 5_000) as KeyCheck)).toBe('revoked');
  });

  it('refuses a key revoked in the store from its next poll on', async () => {
    const store = createMemoryAccessStore();
    const secret = generateKey();
    await store.createKey(stored(secret, 'key_1'));
    const keys = ring(store);
    await keys.ready;
    await store.updateKey('key_1', { revokedAt: T });
    expect(reasonOf(keys.check(secret.key, T) as KeyCheck)).toBe('ok');
    await keys.refresh();
    expect(keys.check(secret.key, T)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('polls on its own every pollMs, and stops when closed', async () => {
    const { store, inner, calls } = instrumented();
    const secret = generateKey();
    await inner.createKey(stored(secret, 'key_1'));
    const keys = ring(store, { pollMs: 20 });
    await keys.ready;
    await inner.updateKey('key_1', { revokedAt: T });
    await until(() => (keys.check(secret.key, T) as KeyCheck).ok === false, 'the revocation reaches the ring through its timer');
    keys.close();
    const polls = calls.changesSince;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(calls.changesSince).toBe(polls);
  });

  it('looks up a well-formed key it has not seen, and knows it from then on', async () => {
    const { store, inner, calls } = instrumented();
    const keys = ring(store);
    await keys.ready;
    const secret = generateKey();
    await inner.createKey(stored(secret, 'key_new'));
    const answer = keys.check(secret.key, now);
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toMatchObject({ ok: true, key: { id: 'key_new' } });
    expect(keys.check(secret.key, now)).toMatchObject({ ok: true, key: { id: 'key_new' } });
    expect(calls.findKeyByHash).toBe(1);
  });

  it('shares one lookup between concurrent misses, and remembers an unknown hash for unknownTtlMs', async () => {
    const { store, calls, hold, release } = instrumented();
    const keys = ring(store, { unknownTtlMs: 1_000 });
    await keys.ready;
    const stranger = generateKey().key;
    hold();
    const answers = Array.from({ length: 50 }, () => keys.check(stranger, now));
    release();
    expect(await Promise.all(answers)).toEqual(Array(50).fill({ ok: false, reason: 'unknown' }));
    expect(calls.findKeyByHash).toBe(1);
    now += 999;
    expect(keys.check(stranger, now)).toEqual({ ok: false, reason: 'unknown' });
    expect(calls.findKeyByHash).toBe(1);
    now += 1;
    expect(await keys.check(stranger, now)).toEqual({ ok: false, reason: 'unknown' });
    expect(calls.findKeyByHash).toBe(2);
  });

  it('runs at most maxLookups at once: a flood of made-up keys is refused without reaching the store', async () => {
    const { store, calls, hold, release } = instrumented();
    const keys = ring(store, { maxLookups: 4 });
    await keys.ready;
    hold();
    const answers = Array.from({ length: 1_000 }, () => keys.check(generateKey().key, now));
    expect(calls.findKeyByHash).toBe(4);
    expect(answers.filter((answer) => answer instanceof Promise)).toHaveLength(4);
    expect(answers.filter((answer) => !(answer instanceof Promise))).toEqual(Array(996).fill({ ok: false, reason: 'unknown' }));
    release();
    await Promise.all(answers);
    await keys.check(generateKey().key, now);
    expect(calls.findKeyByHash).toBe(5);
  });

  it('remembers at most unknownLimit unknown hashes, forgetting the oldest', async () => {
    const { store, calls } = instrumented();
    const keys = ring(store, { unknownLimit: 3 });
    await keys.ready;
    const strangers = Array.from({ length: 4 }, () => generateKey().key);
    for (const stranger of strangers) await keys.check(stranger, now);
    expect(calls.findKeyByHash).toBe(4);
    for (const stranger of strangers.slice(1)) expect(keys.check(stranger, now)).toEqual({ ok: false, reason: 'unknown' });
    expect(calls.findKeyByHash).toBe(4);
    await keys.check(strangers[0], now);
    expect(calls.findKeyByHash).toBe(5);
  });

  it('takes a key remembered as unknown once a poll brings it', async () => {
    const { store, inner } = instrumented();
    const keys = ring(store);
    await keys.ready;
    const secret = generateKey();
    expect(await keys.check(secret.key, now)).toEqual({ ok: false, reason: 'unknown' });
    await inner.createKey(stored(secret, 'key_late'));
    expect(keys.check(secret.key, now)).toEqual({ ok: false, reason: 'unknown' });
    await keys.refresh();
    expect(keys.check(secret.key, now)).toMatchObject({ ok: true, key: { id: 'key_late' } });
  });

  it('gives up a lookup after missTimeoutMs, reports it, and still takes the late answer', async () => {
    const { store, inner, hold, release } = instrumented();
    const errors: unknown[] = [];
    const keys = ring(store, { missTimeoutMs: 30, onError: (error) => errors.push(error) });
    await keys.ready;
    const secret = generateKey();
    await inner.createKey(stored(secret, 'key_slow'));
    hold();
    const started = performance.now();
    expect(await keys.check(secret.key, now)).toEqual({ ok: false, reason: 'unknown' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(errors).toHaveLength(1);
    expect(isJunctionError(errors[0]) && errors[0].code).toBe('access_store_unavailable');
    release();
    await until(() => (keys.check(secret.key, now) as KeyCheck).ok, 'the late answer is taken');
  });

  it('keeps its view when the store fails, reporting at most once per errorIntervalMs', async () => {
    const { store, inner, fail } = instrumented();
    const secret = generateKey();
    await inner.createKey(stored(secret, 'key_1'));
    const errors: unknown[] = [];
    const keys = ring(store, { errorIntervalMs: 10_000, onError: (error) => errors.push(error) });
    await keys.ready;
    const down = new JunctionError('access_store_unavailable', 'down');
    fail(down);
    await keys.refresh();
    await keys.refresh();
    now += 9_999;
    await keys.refresh();
    expect(errors).toEqual([down]);
    expect(keys.check(secret.key, now)).toMatchObject({ ok: true });
    expect(await keys.check(generateKey().key, now)).toEqual({ ok: false, reason: 'unknown' });
    now += 1;
    await keys.refresh();
    expect(errors).toEqual([down, down]);
    fail(undefined);
    await inner.updateKey('key_1', { revokedAt: T });
    await keys.refresh();
    expect(keys.check(secret.key, now)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('rejects ready when the first load fails, serves seeded keys meanwhile, and loads on a later poll', async () => {
    const { store, inner, fail } = instrumented();
    const secret = generateKey();
    await inner.createKey(stored(secret, 'key_1'));
    fail(new JunctionError('access_store_unavailable', 'down'));
    const configured = generateKey();
    const keys = ring(store);
    keys.seed([keyRecordFromConfig({ id: 'cfg', key: configured.key })]);
    await expect(keys.ready).rejects.toThrow('down');
    expect(keys.check(configured.key, now)).toMatchObject({ ok: true, key: { id: 'cfg', source: 'config' } });
    fail(undefined);
    await keys.refresh();
    expect(keys.check(secret.key, now)).toMatchObject({ ok: true, key: { id: 'key_1' } });
  });

  it('seeds config keys and teams beside the store, preferring them, replacing them on each seed, writing nothing', async () => {
    const store = createMemoryAccessStore();
    const shared = generateKey();
    await store.createKey(stored(shared, 'key_store'));
    await store.createTeam(sampleTeam(1, { name: 'from store' }));
    const keys = ring(store);
    await keys.ready;
    const configured = generateKey();
    keys.seed(
      [keyRecordFromConfig({ id: 'cfg_1', key: configured.key, team: 'team_1' }), keyRecordFromConfig({ id: 'cfg_shared', hash: shared.hash.toUpperCase() })],
      [sampleTeam(1, { name: 'from config', source: 'config' })],
    );
    expect(keys.check(configured.key, now)).toMatchObject({ ok: true, key: { id: 'cfg_1' }, team: { name: 'from config' } });
    expect(keys.check(shared.key, now)).toMatchObject({ ok: true, key: { id: 'cfg_shared' } });
    keys.seed([]);
    expect(await keys.check(configured.key, now)).toEqual({ ok: false, reason: 'unknown' });
    expect(keys.check(shared.key, now)).toMatchObject({ ok: true, key: { id: 'key_store' }, team: { name: 'from store' } });
    expect((await store.listKeys({ includeInactive: true })).map((record) => record.id)).toEqual(['key_store']);
  });

  it('hands out frozen records', async () => {
    const store = createMemoryAccessStore();
    const secret = generateKey();
    await store.createTeam(sampleTeam(1));
    await store.createKey(stored(secret, 'key_1'));
    const keys = ring(store);
    await keys.ready;
    const check = keys.check(secret.key, now) as Extract<KeyCheck, { ok: true }>;
    expect(Object.isFrozen(check.key)).toBe(true);
    expect(Object.isFrozen(check.key.limits)).toBe(true);
    expect(Object.isFrozen(check.key.scopes)).toBe(true);
    expect(Object.isFrozen(check.team!.budgets[0])).toBe(true);
  });

  it('answers and keeps polling even when its error reporter throws', async () => {
    const { store, fail, calls } = instrumented();
    const keys = ring(store, { pollMs: 10, onError: () => { throw new Error('reporter broke'); } });
    await keys.ready;
    fail(new JunctionError('access_store_unavailable', 'down'));
    expect(await keys.check(generateKey().key, now)).toEqual({ ok: false, reason: 'unknown' });
    await keys.refresh();
    const polls = calls.changesSince;
    await until(() => calls.changesSince > polls + 1, 'polling goes on');
  });

  it('refuses misses after close without asking the store', async () => {
    const { store, calls } = instrumented();
    const keys = ring(store);
    await keys.ready;
    keys.close();
    expect(keys.check(generateKey().key, now)).toEqual({ ok: false, reason: 'unknown' });
    expect(calls.findKeyByHash).toBe(0);
  });
});
