/** What the admin operations are built from, and the checks several of them share. */
import type { GeneratedKey } from '../../access/keys';
import type { AccessStore } from '../../access/store/types';
import type { KeyRecord, TeamRecord } from '../../access/types';
import { JunctionError } from '../../errors';
import type { AccessView } from './access-view';
import type { SpendSource, UsageSource } from './types';
import { invalidField } from './validate';

export interface AdminOptions {
  store: AccessStore;
  now: () => number;
  /** A new key with its prefix and hash (access/keys.ts `generateKey`). */
  generateKey: () => GeneratedKey;
  /** A new key id (default: access/keys.ts `newKeyId`). */
  newKeyId?: () => string;
  /** A new team id when none is given (default: access/keys.ts `newTeamId`). */
  newTeamId?: () => string;
  /** The configured route names; when given, keys may name only these (or `*`). */
  routeNames?: () => readonly string[];
  /**
   * The keys and teams the config declares now (access/config-keys.ts records, as seeded into
   * the key ring). They are listed and shown with the store's, and are read-only here.
   */
  declared?: () => { keys: readonly KeyRecord[]; teams: readonly TeamRecord[] };
  /** Spend reports from the ledger; without one, `spend` is refused. */
  spend?: SpendSource;
  /** Current usage from the limit store; without one, `usage` is refused. */
  usage?: UsageSource;
}

/** Records declared in the config change with the config, or they would change back on its next load. */
export function assertAdminManaged(record: { id: string; source: 'config' | 'admin' }, what: 'key' | 'team'): void {
  if (record.source === 'config') {
    throw new JunctionError('invalid_request', `${what} ${record.id} is declared in the config (auth.${what}s); change it there, not through the admin API`);
  }
}

export function assertFuture(expiresAt: number | null | undefined, now: number): void {
  if (typeof expiresAt === 'number' && expiresAt <= now) {
    throw invalidField('expiresAt', `expected an instant in the future, got ${new Date(expiresAt).toISOString()}`);
  }
}

/** Keys name routes the gateway serves, so a typo fails now rather than at the key's first request. */
export function assertKnownRoutes(routes: readonly string[] | undefined, routeNames: (() => readonly string[]) | undefined): void {
  if (routes === undefined || routeNames === undefined) return;
  const known = new Set(routeNames());
  routes.forEach((route, index) => {
    if (route !== '*' && !known.has(route)) {
      throw invalidField(['routes', index], `no route is named "${route}"; this gateway serves: ${[...known].sort().join(', ') || 'no routes'} (or * for all)`);
    }
  });
}

export async function assertTeamExists(view: AccessView, team: string | null | undefined): Promise<void> {
  if (typeof team !== 'string') return;
  if ((await view.findTeam(team)) === undefined) throw invalidField('team', `no team has id "${team}"; create it first`);
}
