/**
 * The AccessStore in memory: for tests, and for a single process that declares its keys in the
 * config and wants no file. Records go in and come out as copies, so nothing a caller does to
 * a record it holds changes the store.
 */
import { JunctionError } from '../../errors';
import type { AuditEntry, KeyRecord, TeamRecord } from '../types';
import { applyKeyPatch, applyTeamPatch, assertLimit, assertStorableKey, byAge, isActiveKey } from './records';
import type { AccessChanges, AccessStore, AuditQuery, KeyListQuery, KeyPatch, TeamPatch } from './types';

export function createMemoryAccessStore(): AccessStore {
  const keys = new Map<string, KeyRecord>();
  const idByHash = new Map<string, string>();
  const teams = new Map<string, TeamRecord>();
  const auditLog: AuditEntry[] = [];
  let version = 0;
  let closed = false;

  function open(): void {
    if (closed) throw new JunctionError('shutting_down', 'the access store is closed');
  }

  const copy = <T>(value: T): T => structuredClone(value);

  return {
    async createKey(record) {
      open();
      assertStorableKey(record);
      if (keys.has(record.id)) throw new JunctionError('conflict', `a key with id ${record.id} exists`);
      if (idByHash.has(record.hash)) throw new JunctionError('conflict', `a key with that hash exists (${record.prefix}…)`);
      const stored = { ...copy(record), version: ++version };
      keys.set(stored.id, stored);
      idByHash.set(stored.hash, stored.id);
      return copy(stored);
    },

    async updateKey(id: string, patch: KeyPatch) {
      open();
      const current = keys.get(id);
      if (current === undefined) throw new JunctionError('key_not_found', `no key has id ${id}`);
      const next = applyKeyPatch(current, patch, ++version);
      keys.set(id, next);
      return copy(next);
    },

    async getKey(id) {
      open();
      const record = keys.get(id);
      return record === undefined ? undefined : copy(record);
    },

    async findKeyByHash(hash) {
      open();
      const id = idByHash.get(hash);
      return id === undefined ? undefined : copy(keys.get(id)!);
    },

    async listKeys(query: KeyListQuery = {}) {
      open();
      return [...keys.values()]
        .filter((record) => (query.team === undefined || record.team === query.team) && (query.includeInactive === true || isActiveKey(record, query.now)))
        .sort(byAge)
        .map(copy);
    },

    async createTeam(record) {
      open();
      if (teams.has(record.id)) throw new JunctionError('conflict', `a team with id ${record.id} exists`);
      const stored = { ...copy(record), version: ++version };
      teams.set(stored.id, stored);
      return copy(stored);
    },

    async updateTeam(id: string, patch: TeamPatch) {
      open();
      const current = teams.get(id);
      if (current === undefined) throw new JunctionError('team_not_found', `no team has id ${id}`);
      const next = applyTeamPatch(current, patch, ++version);
      teams.set(id, next);
      return copy(next);
    },

    async getTeam(id) {
      open();
      const record = teams.get(id);
      return record === undefined ? undefined : copy(record);
    },

    async listTeams() {
      open();
      return [...teams.values()].sort(byAge).map(copy);
    },

    async changesSince(since): Promise<AccessChanges> {
      open();
      return {
        keys: [...keys.values()].filter((record) => record.version > since).sort((a, b) => a.version - b.version).map(copy),
        teams: [...teams.values()].filter((record) => record.version > since).sort((a, b) => a.version - b.version).map(copy),
        version: Math.max(since, version),
      };
    },

    async audit(entry) {
      open();
      auditLog.push(copy(entry));
    },

    async auditLog(query: AuditQuery = {}) {
      open();
      assertLimit(query.limit);
      const found: AuditEntry[] = [];
      // Newest first; among entries at one instant, the last appended first.
      const ordered = auditLog.map((entry, index) => ({ entry, index })).sort((a, b) => b.entry.at - a.entry.at || b.index - a.index);
      for (const { entry } of ordered) {
        if (query.limit !== undefined && found.length >= query.limit) break;
        if (query.since !== undefined && entry.at < query.since) continue;
        if (query.target !== undefined && entry.target !== query.target) continue;
        found.push(copy(entry));
      }
      return found;
    },

    async close() {
      closed = true;
    },
  };
}
