/** Team administration: create, list, show, change; each change audited. */
import { newTeamId } from '../../access/keys';
import type { TeamPatch } from '../../access/store/types';
import type { TeamRecord } from '../../access/types';
import { JunctionError } from '../../errors';
import { createAccessView } from './access-view';
import { assertAdminManaged, type AdminOptions } from './context';
import { changesBetween, mergeEntries, teamSettings } from './records';
import { teamInputSchema, teamUpdateSchema } from './schemas';
import type { AdminOperations, TeamInput, TeamUpdate } from './types';
import { parseInput } from './validate';

type TeamOperations = Pick<AdminOperations, 'createTeam' | 'updateTeam' | 'listTeams' | 'getTeam'>;

const CHANGEABLE: ReadonlyArray<keyof TeamPatch & keyof TeamRecord> = ['name', 'metadata', 'limits', 'budgets'];

export function createTeamOperations(options: AdminOptions): TeamOperations {
  const { store, now } = options;
  const nextTeamId = options.newTeamId ?? (() => newTeamId());
  const view = createAccessView(options);

  async function existing(id: string): Promise<TeamRecord> {
    const record = await view.findTeam(id);
    if (record === undefined) throw new JunctionError('team_not_found', `no team has id ${id}`);
    return record;
  }

  return {
    async createTeam(actor: string, input: TeamInput) {
      const { id: given, name, ...settings } = parseInput(teamInputSchema, input);
      const id = given ?? nextTeamId();
      // The store does not know config teams; a second team by that id would be shadowed by it.
      if (options.declared?.().teams.some((team) => team.id === id)) throw new JunctionError('conflict', `team ${id} is declared in the config (auth.teams)`);
      const at = now();
      const stored = await store.createTeam({ id, name: name ?? id, ...settings, createdAt: at, source: 'admin', version: 0 });
      await store.audit({ at, actor, action: 'team.create', target: id, details: teamSettings(stored) });
      return stored;
    },

    async updateTeam(actor: string, id: string, update: TeamUpdate) {
      const change = parseInput(teamUpdateSchema, update);
      const before = await existing(id);
      assertAdminManaged(before, 'team');
      const patch: TeamPatch = {};
      if (change.name !== undefined) patch.name = change.name;
      if (change.budgets !== undefined) patch.budgets = change.budgets;
      if (change.metadata !== undefined) patch.metadata = mergeEntries(before.metadata, change.metadata);
      if (change.limits !== undefined) patch.limits = mergeEntries<number>({ ...before.limits }, change.limits);

      const changes = changesBetween(before, { ...before, ...patch }, CHANGEABLE);
      if (Object.keys(changes).length === 0) return before;
      const after = await store.updateTeam(id, patch);
      await store.audit({ at: now(), actor, action: 'team.update', target: id, details: { changes } });
      return after;
    },

    listTeams: () => view.listTeams(),

    getTeam: existing,
  };
}
