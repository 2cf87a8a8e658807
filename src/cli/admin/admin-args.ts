/**
 * Flags shared by the admin commands, read into admin API bodies: durations (`30d`, `24h`),
 * expiry, limits, budgets and metadata. Mistakes are usage errors (exit 2) naming the flag.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliFailure } from './admin-client';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

/** Flags every admin command takes. */
export const COMMON_OPTIONS: Options = {
  url: { type: 'string' },
  /** The gateway's config file, for the name of the admin key's variable (auth.adminKeyEnv). */
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** Flags that set limits; `none` removes one (on update). */
export const LIMIT_FLAGS = {
  rpm: 'rpm',
  rpd: 'rpd',
  tpm: 'tpm',
  tpd: 'tpd',
  burst: 'burst',
  'token-burst': 'tokenBurst',
  'max-concurrent': 'maxConcurrent',
} as const;

export const LIMIT_OPTIONS: Options = Object.fromEntries(Object.keys(LIMIT_FLAGS).map((flag) => [flag, { type: 'string' }]));

export const BUDGET_OPTIONS: Options = {
  'budget-usd': { type: 'string' },
  'budget-period': { type: 'string' },
};

export const METADATA_OPTIONS: Options = { metadata: { type: 'string', multiple: true } };

export function parseCommandArgs(args: string[], options: Options): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new CliFailure((error as Error).message, 2);
  }
}

export function stringFlag(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A comma-separated flag as a list (`chat,embeddings`). */
export function listFlag(values: Values, name: string): string[] | undefined {
  const text = stringFlag(values, name);
  return text === undefined ? undefined : text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `90s`, `15m`, `24h`, `30d`, `2w` (or a bare number of seconds) in seconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw]?)$/.exec(text.trim());
  if (match === null) throw new CliFailure(`--${flag} expects a duration such as 90s, 15m, 24h, 30d or 2w, got '${text}'`, 2);
  return Math.round(Number(match[1]) * UNITS[match[2] || 's']);
}

/** `--expires 30d` (from now) or `--expires 2027-01-31[T12:00:00Z]`, as the ISO instant the API takes. */
export function parseExpiry(text: string, now: number): string {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new CliFailure(`--expires expects a duration such as 30d or a date such as 2027-01-31, got '${text}'`, 2);
    return new Date(ms).toISOString();
  }
  return new Date(now + parseDuration(text, 'expires') * 1000).toISOString();
}

/** A relative or absolute instant for `--since`: `7d` (ago) or a date. */
export function parseSince(text: string, now: number): string {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) return text;
  return new Date(now - parseDuration(text, 'since') * 1000).toISOString();
}

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new CliFailure(`--${flag} expects a whole number${flag.startsWith('budget') ? '' : ' (or none to remove it)'}, got '${text}'`, 2);
  return Number(text);
}

/** The limit flags given, as an API `limits` object (`null` for `none`); undefined when none is given. */
export function limitsFrom(values: Values, allowRemove: boolean): Record<string, number | null> | undefined {
  const limits: Record<string, number | null> = {};
  for (const [flag, field] of Object.entries(LIMIT_FLAGS)) {
    const text = stringFlag(values, flag);
    if (text === undefined) continue;
    if (text === 'none' && allowRemove) limits[field] = null;
    else limits[field] = wholeNumber(text, flag);
  }
  return Object.keys(limits).length === 0 ? undefined : limits;
}

export interface BudgetFlag {
  period: string;
  /** `null`: remove the budget of this period. */
  usd: number | null;
}

/** `--budget-usd 10 [--budget-period month]`; the period defaults to month. */
export function budgetFrom(values: Values, allowRemove: boolean): BudgetFlag | undefined {
  const usdText = stringFlag(values, 'budget-usd');
  const period = stringFlag(values, 'budget-period');
  if (usdText === undefined) {
    if (period !== undefined) throw new CliFailure('--budget-period goes with --budget-usd', 2);
    return undefined;
  }
  if (usdText === 'none' && allowRemove) return { period: period ?? 'month', usd: null };
  const usd = Number(usdText);
  if (usdText.trim() === '' || !Number.isFinite(usd)) throw new CliFailure(`--budget-usd expects an amount in US dollars such as 10 or 2.5, got '${usdText}'`, 2);
  return { period: period ?? 'month', usd };
}

/** Repeated `--metadata k=v` flags as an object; `k=` sets an empty value. */
export function metadataFrom(values: Values): Record<string, string> | undefined {
  const entries = values.metadata;
  if (!Array.isArray(entries) || entries.length === 0) return undefined;
  const metadata: Record<string, string> = {};
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new CliFailure(`--metadata expects key=value, got '${entry}'`, 2);
    metadata[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return metadata;
}

/** Exactly `count` positional arguments (an id), or a usage error naming what is missing. */
export function positionalArgs(positionals: string[], names: string[], command: string): string[] {
  if (positionals.length !== names.length) {
    const expected = names.map((name) => `<${name}>`).join(' ');
    throw new CliFailure(`${command} takes ${expected || 'no arguments'}${positionals.length > names.length ? `, got extra '${positionals.slice(names.length).join(' ')}'` : ''}`, 2);
  }
  return positionals;
}
