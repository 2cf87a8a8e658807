/**
 * `junction keys create | list | show | revoke | rotate`: virtual keys, through the admin API;
 * and `junction keys generate`, which makes a key for the config (auth.keys) without a gateway.
 */
import { generateKey } from '../../access/keys';
import { BUDGET_OPTIONS, budgetFrom, LIMIT_OPTIONS, limitsFrom, listFlag, METADATA_OPTIONS, metadataFrom, parseCommandArgs, parseDuration, parseExpiry, positionalArgs, stringFlag, type Values } from './admin-args';
import { CliFailure } from './admin-client';
import { clientFor, printJson, type AdminCliContext, type WireCreatedKey, type WireKey, type WireList, type WireRotatedKey } from './admin-context';
import { describeBudgets, describeLimits, describeMetadata, formatFields, formatTable, shortInstant } from './admin-output';

export const KEYS_HELP = `Usage: junction keys <create|list|show|revoke|rotate|generate> [options]

  create --name N [--team T] [--tier free|standard|premium] [--scopes chat,embeddings]
         [--routes a,b] [--expires 30d|2027-01-31] [--rpm N] [--rpd N] [--tpm N] [--tpd N]
         [--burst N] [--token-burst N] [--max-concurrent N]
         [--budget-usd 10 [--budget-period day|week|month|lifetime]] [--metadata k=v ...]
         Prints the new key once: it is not stored and cannot be shown again.
  list   [--team T] [--all]        --all includes revoked and expired keys
  show   <id>
  revoke <id>                      refused from then on, by every replica within a second
  rotate <id> [--grace 24h]        a new key with the same settings; the old one keeps
                                   working for the grace period (default 24h)
  generate                         a new key and its SHA-256 for auth.keys in the config,
                                   made here and stored nowhere (no gateway needed)

Every command takes --json. Those that call the gateway take --url (default: $JUNCTION_URL or
http://127.0.0.1:4000) and send the admin key from JUNCTION_ADMIN_KEY, or, with
-c junction.yaml, from the variable its auth.adminKeyEnv names.
`;

const CREATE_OPTIONS = {
  name: { type: 'string' },
  team: { type: 'string' },
  tier: { type: 'string' },
  scopes: { type: 'string' },
  routes: { type: 'string' },
  expires: { type: 'string' },
  ...LIMIT_OPTIONS,
  ...BUDGET_OPTIONS,
  ...METADATA_OPTIONS,
} as const;

export async function keysCommand(args: string[], context: AdminCliContext): Promise<void> {
  const [subcommand, ...rest] = args;
  switch (subcommand) {
    case 'create':
      return createKey(rest, context);
    case 'list':
      return listKeys(rest, context);
    case 'show':
      return showKey(rest, context);
    case 'revoke':
      return revokeKey(rest, context);
    case 'rotate':
      return rotateKey(rest, context);
    case 'generate':
      return generateConfigKey(rest, context);
    default:
      throw new CliFailure(subcommand === undefined ? 'which one: create, list, show, revoke, rotate or generate?' : `unknown subcommand '${subcommand}'; expected create, list, show, revoke, rotate or generate`, 2);
  }
}

async function createKey(args: string[], context: AdminCliContext): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, CREATE_OPTIONS);
  positionalArgs(positionals, [], 'keys create');
  const name = stringFlag(values, 'name');
  if (name === undefined) throw new CliFailure('--name is required: what the key is for (e.g. --name notebooks)', 2);
  const body = keySettingsFrom(values, context.now());
  const client = clientFor(context, values);
  const created = await client.call<WireCreatedKey>('POST', '/admin/keys', { name, ...body });
  if (values.json) return printJson(context, created);
  context.io.out(`Created key ${created.record.id} (${created.record.name}):`);
  context.io.out('');
  context.io.out(`  ${created.key}`);
  context.io.out('');
  context.io.out('Copy it now: Junction keeps only its hash and cannot show it again.');
}

/** The settings flags given, as API fields (absent flags are left to the server's defaults). */
function keySettingsFrom(values: Values, now: number): Record<string, unknown> {
  const budget = budgetFrom(values, false);
  const expires = stringFlag(values, 'expires');
  const settings: Record<string, unknown> = {
    team: stringFlag(values, 'team'),
    tier: stringFlag(values, 'tier'),
    scopes: listFlag(values, 'scopes'),
    routes: listFlag(values, 'routes'),
    expiresAt: expires === undefined ? undefined : parseExpiry(expires, now),
    limits: limitsFrom(values, false),
    budgets: budget === undefined ? undefined : [budget],
    metadata: metadataFrom(values),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

async function listKeys(args: string[], context: AdminCliContext): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, { team: { type: 'string' }, all: { type: 'boolean' } });
  positionalArgs(positionals, [], 'keys list');
  const query = new URLSearchParams();
  const team = stringFlag(values, 'team');
  if (team !== undefined) query.set('team', team);
  if (values.all) query.set('includeInactive', 'true');
  const search = query.size === 0 ? '' : `?${query}`;
  const answer = await clientFor(context, values).call<WireList<WireKey>>('GET', `/admin/keys${search}`);
  if (values.json) return printJson(context, answer);
  if (answer.data.length === 0) {
    context.io.out(values.all ? 'No keys.' : 'No active keys (--all lists revoked and expired ones too).');
    return;
  }
  const rows = answer.data.map((key) => [key.id, `${key.prefix}…`, key.name, key.team ?? '-', key.tier, key.status, key.scopes.join(','), shortInstant(key.expiresAt)]);
  for (const line of formatTable(['ID', 'PREFIX', 'NAME', 'TEAM', 'TIER', 'STATUS', 'SCOPES', 'EXPIRES'], rows)) context.io.out(line);
}

async function showKey(args: string[], context: AdminCliContext): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, {});
  const [id] = positionalArgs(positionals, ['id'], 'keys show');
  const key = await clientFor(context, values).call<WireKey>('GET', `/admin/keys/${encodeURIComponent(id)}`);
  if (values.json) return printJson(context, key);
  printKey(context, key);
}

async function revokeKey(args: string[], context: AdminCliContext): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, {});
  const [id] = positionalArgs(positionals, ['id'], 'keys revoke');
  const key = await clientFor(context, values).call<WireKey>('DELETE', `/admin/keys/${encodeURIComponent(id)}`);
  if (values.json) return printJson(context, key);
  context.io.out(`Revoked key ${key.id} (${key.name}, ${key.prefix}…) at ${shortInstant(key.revokedAt)} UTC.`);
}

async function rotateKey(args: string[], context: AdminCliContext): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, { grace: { type: 'string' } });
  const [id] = positionalArgs(positionals, ['id'], 'keys rotate');
  const grace = stringFlag(values, 'grace');
  const body = grace === undefined ? {} : { graceSeconds: parseDuration(grace, 'grace') };
  const rotated = await clientFor(context, values).call<WireRotatedKey>('POST', `/admin/keys/${encodeURIComponent(id)}/rotate`, body);
  if (values.json) return printJson(context, rotated);
  context.io.out(`Rotated key ${rotated.previous.id} (${rotated.previous.name}): the new key is ${rotated.record.id}:`);
  context.io.out('');
  context.io.out(`  ${rotated.key}`);
  context.io.out('');
  context.io.out('Copy it now: Junction keeps only its hash and cannot show it again.');
  context.io.out(`The old key (${rotated.previous.prefix}…) works until ${shortInstant(rotated.previous.expiresAt)} UTC.`);
}

/**
 * A key for the config's auth.keys: made from 256 random bits here, sent nowhere. The config
 * takes it from an environment variable (`key: ${VAR}`) or takes only its hash.
 */
function generateConfigKey(args: string[], context: AdminCliContext): void {
  const { values, positionals } = parseCommandArgs(args, {});
  positionalArgs(positionals, [], 'keys generate');
  const { key, prefix, hash } = generateKey();
  if (values.json) return printJson(context, { key, prefix, hash });
  context.io.out('A new key, made here and stored nowhere:');
  context.io.out('');
  context.io.out(`  ${key}`);
  context.io.out('');
  context.io.out(`SHA-256: ${hash}`);
  context.io.out('Declare it under auth.keys in the config with either `key: ${SOME_VARIABLE}` (and the key in that');
  context.io.out('environment variable) or `hash: <the SHA-256 above>`; give the key to whoever will call with it.');
}

function printKey(context: AdminCliContext, key: WireKey): void {
  const fields: Array<[string, string]> = [
    ['id', key.id],
    ['prefix', `${key.prefix}…`],
    ['name', key.name],
    ['team', key.team ?? '-'],
    ['tier', key.tier],
    ['status', key.status],
    ['scopes', key.scopes.join(', ')],
    ['routes', key.routes.join(', ')],
    ['expires', key.expiresAt === null ? 'never' : `${shortInstant(key.expiresAt)} UTC`],
    ['limits', describeLimits(key.limits)],
    ['budgets', describeBudgets(key.budgets)],
    ['metadata', describeMetadata(key.metadata)],
    ['created', `${shortInstant(key.createdAt)} UTC`],
    ...(key.revokedAt === null ? [] : ([['revoked', `${shortInstant(key.revokedAt)} UTC`]] as Array<[string, string]>)),
    ['source', key.source === 'config' ? 'config (change it in junction.yaml)' : 'admin API'],
  ];
  for (const line of formatFields(fields)) context.io.out(line);
}
