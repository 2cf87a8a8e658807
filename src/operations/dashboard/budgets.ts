/**
 * Key and team budgets with what each has spent, for the dashboard: read through the admin
 * operations (the same usage reports `/admin/usage` gives), for at most `limit` owners so a
 * poll every few seconds stays cheap however many keys exist.
 */
import type { AdminOperations } from '../admin/types';

export interface BudgetStanding {
  owner: 'key' | 'team';
  id: string;
  name: string;
  period: string;
  usd: number;
  spentUsd: number;
  reservedUsd: number;
  /** When the current period ends (Unix ms); absent for lifetime budgets. */
  windowEnd?: number;
}

export function budgetsFromAdmin(admin: Pick<AdminOperations, 'listKeys' | 'listTeams' | 'usage'>, limit = 20): () => Promise<BudgetStanding[]> {
  return async function budgetStandings() {
    const [teams, keys] = await Promise.all([admin.listTeams(), admin.listKeys()]);
    const owners = [
      ...teams.filter((team) => team.budgets.length > 0).map((team) => ({ owner: 'team' as const, id: team.id, name: team.name })),
      ...keys.filter((key) => key.budgets.length > 0).map((key) => ({ owner: 'key' as const, id: key.id, name: key.name })),
    ].slice(0, limit);
    const reports = await Promise.all(owners.map((owner) => admin.usage(owner.owner === 'key' ? { key: owner.id } : { team: owner.id })));
    return owners.flatMap((owner, index) => reports[index]!.budgets.map((budget) => ({ ...owner, ...budget })));
  };
}
