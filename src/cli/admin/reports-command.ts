/** `junction spend`, `junction usage` and `junction audit`: what was spent, what is in use now, and who changed what. */
import { listFlag, parseCommandArgs, parseSince, positionalArgs, stringFlag } from './admin-args';
import { CliFailure } from './admin-client';
import { clientFor, printJson, type AdminCliContext, type SpendRow, type WireAuditEntry, type WireList, type WireUsage } from './admin-context';
import { formatTable, shortInstant, usd } from './admin-output';

export const SPEND_HELP = `Usage: junction spend [--by team,route] [--since 2026-01-01] [--until 2026-01-31]
                      [--key ID] [--team ID] [--route R] [--deployment D] [--model M] [--limit N] [--json]

Requests, errors, tokens and cost from the ledger, grouped by any of key, team, route,
deployment, model and day (calendar days in the configured time zone), costliest first.
Without --by, one line of totals.
`;

export const USAGE_HELP = `Usage: junction usage --key ID | --team ID [--json]

A key's or a team's standing right now: each rate limit (used, reserved by requests in flight,
the limit, when it resets) and each budget (spent, reserved, the cap, when the period ends).
`;

export const AUDIT_HELP = `Usage: junction audit [--since 7d|2026-01-01] [--target ID] [--limit N] [--json]

Admin actions, newest first (100 unless --limit says otherwise, at most 1000): when, who,
what and to which key or team.
`;

const FILTERS = ['key', 'team', 'route', 'deployment', 'model'] as const;

export async function spendCommand(args: string[], context: AdminCliContext): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, {
    by: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    limit: { type: 'string' },
    ...Object.fromEntries(FILTERS.map((name) => [name, { type: 'string' as const }])),
  });
  positionalArgs(positionals, [], 'spend');
  const by = listFlag(values, 'by') ?? [];
  const query = new URLSearchParams();
  if (by.length > 0) query.set('groupBy', by.join(','));
  for (const name of ['since', 'until', 'limit', ...FILTERS]) {
    const value = stringFlag(values, name);
    if (value !== undefined) query.set(name, value);
  }
  const answer = await clientFor(context, values).call<WireList<SpendRow>>('GET', `/admin/spend${query.size === 0 ? '' : `?${query}`}`);
  if (values.json) return printJson(context, answer);
  if (answer.data.length === 0) {
    context.io.out('No requests recorded in that period.');
    return;
  }
  const dimensions = by.filter((name): name is keyof SpendRow => FILTERS.includes(name as never) || name === 'day');
  const rows = answer.data.map((row) => [
    ...dimensions.map((name) => String(row[name] ?? '-')),
    String(row.requests),
    String(row.errors),
    String(row.inputTokens),
    String(row.outputTokens),
    usd(row.costUsd),
  ]);
  if (answer.data.length > 1) {
    const total = (field: 'requests' | 'errors' | 'inputTokens' | 'outputTokens' | 'costUsd') => answer.data.reduce((sum, row) => sum + row[field], 0);
    rows.push([...dimensions.map((_, index) => (index === 0 ? 'total' : '')), String(total('requests')), String(total('errors')), String(total('inputTokens')), String(total('outputTokens')), usd(total('costUsd'))]);
  }
  const header = [...dimensions.map((name) => name.toUpperCase()), 'REQUESTS', 'ERRORS', 'INPUT TOKENS', 'OUTPUT TOKENS', 'COST'];
  for (const line of formatTable(header, rows)) context.io.out(line);
}

export async function usageCommand(args: string[], context: AdminCliContext): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, { key: { type: 'string' }, team: { type: 'string' } });
  positionalArgs(positionals, [], 'usage');
  const key = stringFlag(values, 'key');
  const team = stringFlag(values, 'team');
  if ((key === undefined) === (team === undefined)) throw new CliFailure('give exactly one of --key ID or --team ID', 2);
  const query = key === undefined ? `team=${encodeURIComponent(team!)}` : `key=${encodeURIComponent(key)}`;
  const usage = await clientFor(context, values).call<WireUsage>('GET', `/admin/usage?${query}`);
  if (values.json) return printJson(context, usage);
  context.io.out(key === undefined ? `Team ${team}` : `Key ${key}`);
  context.io.out('');
  if (usage.limits.length === 0) context.io.out('Rate limits: none');
  else {
    const rows = usage.limits.map((limit) => [limit.name, String(limit.used), String(limit.reserved), String(limit.limit), limit.resetMs === undefined ? '-' : `${Math.ceil(limit.resetMs / 1000)} s`]);
    for (const line of formatTable(['LIMIT', 'USED', 'RESERVED', 'OF', 'RESETS IN'], rows)) context.io.out(line);
  }
  context.io.out('');
  if (usage.budgets.length === 0) context.io.out('Budgets: none');
  else {
    const rows = usage.budgets.map((budget) => [budget.period, usd(budget.spentUsd), usd(budget.reservedUsd), usd(budget.usd), budget.windowEnd === null ? '-' : `${shortInstant(budget.windowEnd)} UTC`]);
    for (const line of formatTable(['BUDGET', 'SPENT', 'RESERVED', 'OF', 'PERIOD ENDS'], rows)) context.io.out(line);
  }
}

export async function auditCommand(args: string[], context: AdminCliContext): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, { since: { type: 'string' }, target: { type: 'string' }, limit: { type: 'string' } });
  positionalArgs(positionals, [], 'audit');
  const query = new URLSearchParams();
  const since = stringFlag(values, 'since');
  if (since !== undefined) query.set('since', parseSince(since, context.now()));
  for (const name of ['target', 'limit']) {
    const value = stringFlag(values, name);
    if (value !== undefined) query.set(name, value);
  }
  const answer = await clientFor(context, values).call<WireList<WireAuditEntry>>('GET', `/admin/audit${query.size === 0 ? '' : `?${query}`}`);
  if (values.json) return printJson(context, answer);
  if (answer.data.length === 0) {
    context.io.out('No admin actions recorded in that period.');
    return;
  }
  const rows = answer.data.map((entry) => [`${entry.at?.slice(0, 19).replace('T', ' ')}`, entry.actor, entry.action, entry.target, summarise(entry.details)]);
  for (const line of formatTable(['AT (UTC)', 'ACTOR', 'ACTION', 'TARGET', 'DETAILS'], rows)) context.io.out(line);
}

/** An audit entry's details on one line, cut short: `--json` has them whole. */
function summarise(details: Record<string, unknown>): string {
  const changes = details.changes;
  const text =
    typeof changes === 'object' && changes !== null
      ? `changed ${Object.keys(changes).join(', ')}`
      : Object.entries(details)
          .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
          .map(([name, value]) => `${name}=${value}`)
          .join(' ');
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}
