/**
 * The admin operations: keys, teams, the audit log, spend and usage. The admin HTTP API (and
 * through it the CLI) calls these, as would any other admin surface.
 */
import { JunctionError } from '../../errors';
import { createAccessView } from './access-view';
import type { AdminOptions } from './context';
import { createKeyOperations } from './keys';
import { auditQuerySchema, spendQuerySchema, usageTargetSchema } from './schemas';
import { createTeamOperations } from './teams';
import type { AdminOperations, AuditLogQuery, SpendQuery, UsageTarget } from './types';
import { parseInput } from './validate';

export type { AdminOptions } from './context';
export { keyStatus } from './records';
export { MAX_GRACE_SECONDS } from './schemas';
export { SPEND_DIMENSIONS } from './types';
export type {
  AdminKey,
  AdminOperations,
  AuditLogQuery,
  CreatedKey,
  KeyInput,
  KeyQuery,
  KeyStatus,
  KeyUpdate,
  RotatedKey,
  SpendDimension,
  SpendQuery,
  SpendRow,
  SpendSource,
  TeamInput,
  TeamUpdate,
  UsageReport,
  UsageSource,
  UsageTarget,
} from './types';

export function createAdminOperations(options: AdminOptions): AdminOperations {
  const { store } = options;
  const view = createAccessView(options);
  return {
    ...createKeyOperations(options),
    ...createTeamOperations(options),

    async auditLog(query: AuditLogQuery = {}) {
      return store.auditLog(parseInput(auditQuerySchema, query));
    },

    async spend(query: SpendQuery) {
      const checked = parseInput(spendQuerySchema, query);
      if (options.spend === undefined) throw new JunctionError('endpoint_not_found', 'This gateway keeps no ledger, so it has no spend to report.');
      return options.spend(checked);
    },

    async usage(target: UsageTarget) {
      const { key, team } = parseInput(usageTargetSchema, target);
      if (options.usage === undefined) throw new JunctionError('endpoint_not_found', 'This gateway keeps no limit store, so it has no usage to report.');
      // An unknown id is the caller's mistake, not an idle key with nothing used.
      if (key !== undefined && (await view.findKey(key)) === undefined) throw new JunctionError('key_not_found', `no key has id ${key}`);
      if (team !== undefined && (await view.findTeam(team)) === undefined) throw new JunctionError('team_not_found', `no team has id ${team}`);
      return options.usage(key === undefined ? { team } : { key });
    },
  };
}
