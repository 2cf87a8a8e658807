/**
 * The access store as the admin API writes it: each change is taken into this replica's key
 * ring before the write resolves, so that the answer to a revocation means the key is refused
 * here already. Without it, the replica that revoked a key would go on admitting it until its
 * next poll (up to `keyPollMs`), after other replicas had stopped. Other replicas still learn
 * of it by polling, within a poll and a query.
 */
import type { KeyRing } from './key-ring';
import type { AccessStore } from './store/types';

/** Polls the ring has for catching up to one write before the write resolves anyway (the next scheduled poll still brings it). */
const CATCH_UP_POLLS = 3;

export function ringRefreshingStore(store: AccessStore, ring: KeyRing): AccessStore {
  /** A poll already in flight may have read before the write committed: poll until the ring has the write's version. */
  async function caughtUp<T extends { version: number }>(written: T): Promise<T> {
    for (let poll = 0; poll < CATCH_UP_POLLS && ring.version < written.version; poll++) await ring.refresh();
    return written;
  }
  return {
    createKey: (record) => store.createKey(record).then(caughtUp),
    updateKey: (id, patch) => store.updateKey(id, patch).then(caughtUp),
    getKey: (id) => store.getKey(id),
    findKeyByHash: (hash) => store.findKeyByHash(hash),
    listKeys: (query) => store.listKeys(query),
    createTeam: (record) => store.createTeam(record).then(caughtUp),
    updateTeam: (id, patch) => store.updateTeam(id, patch).then(caughtUp),
    getTeam: (id) => store.getTeam(id),
    listTeams: () => store.listTeams(),
    changesSince: (version) => store.changesSince(version),
    audit: (entry) => store.audit(entry),
    auditLog: (query) => store.auditLog(query),
    close: () => store.close(),
  };
}
