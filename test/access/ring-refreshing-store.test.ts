/**
 * The store the admin API writes through: a change is in this replica's key ring by the time
 * the write resolves, while the ring's own poll (set an hour off here) has not run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyRing, type KeyRing } from '../../src/access/key-ring';
import { generateKey } from '../../src/access/keys';
import { ringRefreshingStore } from '../../src/access/ring-refreshing-store';
import { createMemoryAccessStore } from '../../src/access/store/memory-access-store';
import type { AccessStore } from '../../src/access/store/types';
import { sampleKey, sampleTeam } from '../conformance/access-store.suite';

const T = 1_700_000_000_000;
const HOUR = 3_600_000;
const rings: KeyRing[] = [];
afterEach(() => {
  for (const ring of rings.splice(0)) ring.close();
});

async function setUp(store: AccessStore = createMemoryAccessStore()) {
  const ring = createKeyRing({ store, now: () => T, pollMs: HOUR });
  rings.push(ring);
  await ring.ready;
  const generated = generateKey();
  const key = sampleKey(1, { hash: generated.hash, expiresAt: undefined, team: undefined });
  return { store, ring, key, credential: generated.key, admin: ringRefreshingStore(store, ring) };
}

describe('ringRefreshingStore', () => {
  it('has this replica refuse a key as soon as its revocation is written', async () => {
    const { ring, key, credential, admin } = await setUp();
    const created = await admin.createKey(key);
    expect(ring.check(credential, T)).toMatchObject({ ok: true, key: { id: created.id } });

    await admin.updateKey(created.id, { revokedAt: T - 1 });
    expect(ring.check(credential, T)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('where writing to the store alone leaves the ring on its old view until it polls', async () => {
    const { store, ring, key, credential, admin } = await setUp();
    const created = await admin.createKey(key);
    await store.updateKey(created.id, { revokedAt: T - 1 });
    expect(ring.check(credential, T)).toMatchObject({ ok: true });
    await ring.refresh();
    expect(ring.check(credential, T)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('waits for a poll that started after the write, not one already in flight that read before it', async () => {
    const inner = createMemoryAccessStore();
    let hold = false;
    let release: () => void = () => undefined;
    // While `hold` is set, a poll reads the store at once but answers only when released.
    const held: AccessStore = {
      ...inner,
      async changesSince(version) {
        const changes = await inner.changesSince(version);
        if (hold) await new Promise<void>((resolve) => (release = resolve));
        return changes;
      },
    };
    const { ring, key, credential, admin } = await setUp(held);
    const created = await admin.createKey(key);

    hold = true;
    const stale = ring.refresh();
    // That poll has read the store: the revocation lands after it.
    await new Promise((resolve) => setImmediate(resolve));
    const revoked = admin.updateKey(created.id, { revokedAt: T - 1 });
    await new Promise((resolve) => setImmediate(resolve));
    hold = false;
    release();
    await Promise.all([stale, revoked]);
    expect(ring.check(credential, T)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('has teams in the ring once written', async () => {
    const { ring, admin } = await setUp();
    const team = await admin.createTeam(sampleTeam(7));
    expect(ring.version).toBeGreaterThanOrEqual(team.version);
    const renamed = await admin.updateTeam(team.id, { name: 'renamed' });
    expect(ring.version).toBeGreaterThanOrEqual(renamed.version);
  });
});
