/**
 * Key administration: create (the key shown once), list, show, change, revoke, rotate. Each
 * change writes an audit entry naming the key by id and prefix, never by the key or its hash.
 */
import { newKeyId } from '../../access/keys';
import type { KeyPatch } from '../../access/store/types';
import type { KeyRecord } from '../../access/types';
import { JunctionError } from '../../errors';
import { createAccessView } from './access-view';
import { assertAdminManaged, assertFuture, assertKnownRoutes, assertTeamExists, type AdminOptions } from './context';
import { changesBetween, isoInstant, keySettings, mergeEntries, toAdminKey } from './records';
import { keyInputSchema, keyQuerySchema, keyUpdateSchema, rotateSchema } from './schemas';
import type { AdminKey, AdminOperations, CreatedKey, KeyInput, KeyQuery, KeyUpdate, RotatedKey } from './types';
import { parseInput } from './validate';

type KeyOperations = Pick<AdminOperations, 'createKey' | 'listKeys' | 'getKey' | 'updateKey' | 'revokeKey' | 'rotateKey'>;

const CHANGEABLE: ReadonlyArray<keyof KeyPatch & keyof KeyRecord> = ['name', 'team', 'tier', 'routes', 'scopes', 'expiresAt', 'metadata', 'limits', 'budgets'];

export function createKeyOperations(options: AdminOptions): KeyOperations {
  const { store, now } = options;
  const nextKeyId = options.newKeyId ?? (() => newKeyId());
  const view = createAccessView(options);

  async function existing(id: string): Promise<KeyRecord> {
    const record = await view.findKey(id);
    if (record === undefined) throw new JunctionError('key_not_found', `no key has id ${id}`);
    return record;
  }

  /** Stores a new key with `settings`, audits it, and returns it with the key itself. */
  async function issue(actor: string, settings: Omit<KeyRecord, 'id' | 'prefix' | 'hash' | 'createdAt' | 'source' | 'version'>, at: number, details: Record<string, unknown> = {}): Promise<CreatedKey> {
    const { key, prefix, hash } = options.generateKey();
    const stored = await store.createKey({ ...settings, id: nextKeyId(), prefix, hash, createdAt: at, source: 'admin', version: 0 });
    await store.audit({ at, actor, action: 'key.create', target: stored.id, details: { ...keySettings(stored), ...details } });
    return { key, record: toAdminKey(stored, at) };
  }

  return {
    async createKey(actor: string, input: KeyInput) {
      const settings = parseInput(keyInputSchema, input);
      const at = now();
      assertFuture(settings.expiresAt, at);
      assertKnownRoutes(settings.routes, options.routeNames);
      await assertTeamExists(view, settings.team);
      return issue(actor, settings, at);
    },

    async listKeys(query: KeyQuery = {}) {
      const { team, includeInactive } = parseInput(keyQuerySchema, query);
      const at = now();
      const records = await view.listKeys({ team, includeInactive: includeInactive ?? false, now: at });
      return records.map((record) => toAdminKey(record, at));
    },

    async getKey(id: string) {
      return toAdminKey(await existing(id), now());
    },

    async updateKey(actor: string, id: string, update: KeyUpdate): Promise<AdminKey> {
      const change = parseInput(keyUpdateSchema, update);
      const at = now();
      const before = await existing(id);
      assertAdminManaged(before, 'key');
      assertFuture(change.expiresAt, at);
      assertKnownRoutes(change.routes, options.routeNames);
      await assertTeamExists(view, change.team);

      const patch: KeyPatch = {};
      if (change.name !== undefined) patch.name = change.name;
      if (change.tier !== undefined) patch.tier = change.tier;
      if (change.routes !== undefined) patch.routes = change.routes;
      if (change.scopes !== undefined) patch.scopes = change.scopes;
      if (change.budgets !== undefined) patch.budgets = change.budgets;
      // `undefined` in a store patch removes an optional field; `null` is how a caller says so.
      if (change.team !== undefined) patch.team = change.team ?? undefined;
      if (change.expiresAt !== undefined) patch.expiresAt = change.expiresAt ?? undefined;
      if (change.metadata !== undefined) patch.metadata = mergeEntries(before.metadata, change.metadata);
      if (change.limits !== undefined) patch.limits = mergeEntries<number>({ ...before.limits }, change.limits);

      const changes = changesBetween(before, { ...before, ...patch }, CHANGEABLE);
      if (Object.keys(changes).length === 0) return toAdminKey(before, at);
      const after = await store.updateKey(id, patch);
      await store.audit({ at, actor, action: 'key.update', target: id, details: { prefix: before.prefix, changes } });
      return toAdminKey(after, at);
    },

    async revokeKey(actor: string, id: string) {
      const at = now();
      const before = await existing(id);
      assertAdminManaged(before, 'key');
      if (before.revokedAt !== undefined) return toAdminKey(before, at);
      const after = await store.updateKey(id, { revokedAt: at });
      await store.audit({ at, actor, action: 'key.revoke', target: id, details: { prefix: before.prefix, name: before.name } });
      return toAdminKey(after, at);
    },

    async rotateKey(actor: string, id: string, rotation: { graceSeconds: number }): Promise<RotatedKey> {
      const { graceSeconds } = parseInput(rotateSchema, rotation);
      const at = now();
      const old = await existing(id);
      assertAdminManaged(old, 'key');
      const status = toAdminKey(old, at).status;
      if (status !== 'active') throw new JunctionError('invalid_request', `key ${id} is ${status}; create a new key instead of rotating it`);

      const { id: _id, prefix: _prefix, hash: _hash, createdAt: _createdAt, source: _source, version: _version, revokedAt: _revokedAt, ...settings } = old;
      const created = await issue(actor, settings, at, { rotatedFrom: id });
      // The old key works for the grace period, but never longer than it would have anyway.
      const graceEnd = at + graceSeconds * 1000;
      const expiresAt = old.expiresAt === undefined ? graceEnd : Math.min(old.expiresAt, graceEnd);
      const previous = await store.updateKey(id, { expiresAt });
      await store.audit({
        at,
        actor,
        action: 'key.rotate',
        target: id,
        details: { prefix: old.prefix, replacedBy: created.record.id, newPrefix: created.record.prefix, graceSeconds, expiresAt: isoInstant(expiresAt) },
      });
      return { ...created, previous: toAdminKey(previous, at) };
    },
  };
}
