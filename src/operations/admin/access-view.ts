/**
 * Keys and teams as the admin surface sees them: those in the access store and those declared
 * in the config, which the key ring holds beside the store's and never writes to it. A config
 * record wins over a store record with the same id, as it does on the request path.
 */
import { byAge, isActiveKey } from '../../access/store/records';
import type { KeyRecord, TeamRecord } from '../../access/types';
import type { AdminOptions } from './context';

export interface AccessView {
  findKey(id: string): Promise<KeyRecord | undefined>;
  findTeam(id: string): Promise<TeamRecord | undefined>;
  /** Oldest first; revoked and expired keys (judged at `now`) only when asked for. */
  listKeys(query: { team?: string; includeInactive: boolean; now: number }): Promise<KeyRecord[]>;
  listTeams(): Promise<TeamRecord[]>;
}

export function createAccessView(options: Pick<AdminOptions, 'store' | 'declared'>): AccessView {
  const { store } = options;
  const declared = () => options.declared?.() ?? { keys: [], teams: [] };

  return {
    async findKey(id) {
      return declared().keys.find((record) => record.id === id) ?? store.getKey(id);
    },

    async findTeam(id) {
      return declared().teams.find((record) => record.id === id) ?? store.getTeam(id);
    },

    async listKeys({ team, includeInactive, now }) {
      const fromConfig = declared().keys.filter((record) => (team === undefined || record.team === team) && (includeInactive || isActiveKey(record, now)));
      const ids = new Set(fromConfig.map((record) => record.id));
      const stored = (await store.listKeys({ team, includeInactive, now })).filter((record) => !ids.has(record.id));
      return [...fromConfig, ...stored].sort(byAge);
    },

    async listTeams() {
      const fromConfig = declared().teams;
      const ids = new Set(fromConfig.map((record) => record.id));
      return [...fromConfig, ...(await store.listTeams()).filter((record) => !ids.has(record.id))].sort(byAge);
    },
  };
}
