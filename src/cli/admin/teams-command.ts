/** `junction teams create | list | show | update`: teams and their shared limits and budgets. */
import { BUDGET_OPTIONS, budgetFrom, LIMIT_FLAGS, LIMIT_OPTIONS, limitsFrom, METADATA_OPTIONS, metadataFrom, parseCommandArgs, positionalArgs, stringFlag, type Values } from './admin-args';
import { CliFailure } from './admin-client';
import { clientFor, printJson, type AdminCliContext, type WireList, type WireTeam } from './admin-context';
import { describeBudgets, describeLimits, describeMetadata, formatFields, formatTable, shortInstant } from './admin-output';

export const TEAMS_HELP = `Usage: junction teams <create|list|show|update> [options]

  create [<id>] [--name N] [--rpm N] [--rpd N] [--tpm N] [--tpd N] [--burst N] [--token-burst N]
         [--budget-usd 100 [--budget-period day|week|month|lifetime]] [--metadata k=v ...]
         Without an id, one is made up (team_…). Keys join a team with 'keys create --team <id>'.
  list
  show   <id>
  update <id> [--name N] [limit flags] [--budget-usd X [--budget-period P]] [--metadata k=v ...]
         Changes only what is given; '--rpm none' removes a limit, '--budget-usd none
         --budget-period month' a budget, '--metadata k=' sets an empty value.

Limits are shared by all the team's keys. Every command takes --url, -c junction.yaml and --json.
`;

/** Teams have no concurrency limit of their own (that is per key). */
const { 'max-concurrent': _perKey, ...TEAM_LIMIT_OPTIONS } = LIMIT_OPTIONS;
const TEAM_OPTIONS = { name: { type: 'string' }, ...TEAM_LIMIT_OPTIONS, ...BUDGET_OPTIONS, ...METADATA_OPTIONS } as const;

export async function teamsCommand(args: string[], context: AdminCliContext): Promise<void> {
  const [subcommand, ...rest] = args;
  switch (subcommand) {
    case 'create':
      return createTeam(rest, context);
    case 'list':
      return listTeams(rest, context);
    case 'show':
      return showTeam(rest, context);
    case 'update':
      return updateTeam(rest, context);
    default:
      throw new CliFailure(subcommand === undefined ? 'which one: create, list, show or update?' : `unknown subcommand '${subcommand}'; expected create, list, show or update`, 2);
  }
}

async function createTeam(args: string[], context: AdminCliContext): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, TEAM_OPTIONS);
  if (positionals.length > 1) positionalArgs(positionals, ['id'], 'teams create');
  const budget = budgetFrom(values, false);
  const body = withoutUndefined({
    id: positionals[0],
    name: stringFlag(values, 'name'),
    limits: limitsFrom(values, false),
    budgets: budget === undefined ? undefined : [budget],
    metadata: metadataFrom(values),
  });
  const team = await clientFor(context, values).call<WireTeam>('POST', '/admin/teams', body);
  if (values.json) return printJson(context, team);
  context.io.out(`Created team ${team.id}${team.name === team.id ? '' : ` (${team.name})`}.`);
}

async function listTeams(args: string[], context: AdminCliContext): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, {});
  positionalArgs(positionals, [], 'teams list');
  const answer = await clientFor(context, values).call<WireList<WireTeam>>('GET', '/admin/teams');
  if (values.json) return printJson(context, answer);
  if (answer.data.length === 0) {
    context.io.out("No teams. Create one with 'junction teams create <id>'.");
    return;
  }
  const rows = answer.data.map((team) => [team.id, team.name, describeLimits(team.limits), describeBudgets(team.budgets), team.source]);
  for (const line of formatTable(['ID', 'NAME', 'LIMITS', 'BUDGETS', 'SOURCE'], rows)) context.io.out(line);
}

async function showTeam(args: string[], context: AdminCliContext): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, {});
  const [id] = positionalArgs(positionals, ['id'], 'teams show');
  const team = await clientFor(context, values).call<WireTeam>('GET', `/admin/teams/${encodeURIComponent(id)}`);
  if (values.json) return printJson(context, team);
  printTeam(context, team);
}

async function updateTeam(args: string[], context: AdminCliContext): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, TEAM_OPTIONS);
  const [id] = positionalArgs(positionals, ['id'], 'teams update');
  const client = clientFor(context, values);
  const path = `/admin/teams/${encodeURIComponent(id)}`;
  const budget = budgetFrom(values, true);
  // The API replaces the budget list as a whole; one flag changes one period's, so start from the current list.
  const budgets = budget === undefined ? undefined : replaceBudget((await client.call<WireTeam>('GET', path)).budgets, budget);
  const body = withoutUndefined({ name: stringFlag(values, 'name'), limits: limitsFrom(values, true), budgets, metadata: metadataFrom(values) });
  if (Object.keys(body).length === 0) {
    throw new CliFailure(`nothing to change: give --name, ${Object.keys(LIMIT_FLAGS).filter((flag) => flag !== 'max-concurrent').map((flag) => `--${flag}`).join(', ')}, --budget-usd or --metadata`, 2);
  }
  const team = await client.call<WireTeam>('PATCH', path, body);
  if (values.json) return printJson(context, team);
  printTeam(context, team);
}

function replaceBudget(current: WireTeam['budgets'], change: { period: string; usd: number | null }): Array<{ usd: number; period: string }> {
  const others = current.filter((budget) => budget.period !== change.period);
  return change.usd === null ? others : [...others, { usd: change.usd, period: change.period }];
}

function printTeam(context: AdminCliContext, team: WireTeam): void {
  const fields: Array<[string, string]> = [
    ['id', team.id],
    ['name', team.name],
    ['limits', describeLimits(team.limits)],
    ['budgets', describeBudgets(team.budgets)],
    ['metadata', describeMetadata(team.metadata)],
    ['created', `${shortInstant(team.createdAt)} UTC`],
    ['source', team.source === 'config' ? 'config (change it in junction.yaml)' : 'admin API'],
  ];
  for (const line of formatFields(fields)) context.io.out(line);
}

function withoutUndefined(fields: Values | Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
