/**
 * Turns zod's issues into messages that say what was expected and what was found, e.g.
 * `expected one of openai, anthropic, gemini, openai-compatible, got "openia"`.
 *
 * What was found is quoted from the config, except values that came from the environment or
 * sit where secrets live (`apiKey`, `headers`): those are described by type only.
 */
import type { z } from 'zod';
import { didYouMean } from './suggest';
import { formatPath, isMissing, toConfigPath, valueAt } from './config-path';
import type { ConfigPath, PathIssue } from './config-path';
import { knownKeysAt } from './schema-keys';

export interface IssueContext {
  schema: z.ZodType;
  /** The data that was validated. */
  data: unknown;
  /** Formatted paths of values taken from the environment → the text as written. */
  interpolated: ReadonlyMap<string, string>;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

export function describeZodIssue(issue: z.core.$ZodIssue, context: IssueContext): PathIssue[] {
  const path = toConfigPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(context.schema, path);
    return issue.keys.map((key) => ({
      path: [...path, key],
      at: 'key',
      message: `unknown key "${key}"${didYouMean(key, known) || `; expected one of ${known.join(', ')}`}`,
    }));
  }
  if (issue.code === 'invalid_key') {
    const reason = issue.issues[0]?.message ?? 'invalid key';
    return [{ path, at: 'key', message: `${reason}, got key ${JSON.stringify(String(path[path.length - 1]))}` }];
  }

  const expected = expectation(issue);
  if (expected !== undefined && isMissing(context.data, path)) {
    return [{ path, message: `missing required key; expected ${expected}` }];
  }
  return [{ path, message: expected === undefined ? issue.message : `expected ${expected}, got ${describeFound(path, context)}` }];
}

/** What the schema wanted, phrased to follow "expected "; undefined when zod's own message is used. */
function expectation(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_WORDS[issue.expected] ?? issue.expected;
    case 'invalid_value':
      return issue.values.length === 1 ? String(issue.values[0]) : `one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return bound(issue.origin, issue.inclusive ? '>=' : '>', Number(issue.minimum), 'at least');
    case 'too_big':
      return bound(issue.origin, issue.inclusive ? '<=' : '<', Number(issue.maximum), 'at most');
    case 'invalid_format':
    case 'custom':
      // Custom messages in the schema helpers already start with "expected …".
      return issue.message.replace(/^expected /, '');
    default:
      return undefined;
  }
}

function bound(origin: string, comparison: string, limit: number, countWord: string): string {
  if (origin === 'array') return `${countWord} ${limit} ${limit === 1 ? 'entry' : 'entries'}`;
  if (origin === 'string') return limit === 1 && countWord === 'at least' ? 'a non-empty string' : `${countWord} ${limit} characters`;
  return `a number ${comparison} ${limit}`;
}

/** What was found at `path`, safe to print. */
export function describeFound(path: ConfigPath, context: Pick<IssueContext, 'data' | 'interpolated'>): string {
  if (isMissing(context.data, path)) return 'nothing';
  const value = valueAt(context.data, path);
  const template = context.interpolated.get(formatPath(path));
  if (template !== undefined) return `the value of ${JSON.stringify(template)} (not shown)`;
  if (isSecretPath(path)) return `${typeOf(value)} (not shown)`;
  if (typeof value === 'string') return value.length > 80 ? `${JSON.stringify(value.slice(0, 77))}…` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.length === 0) return 'an empty list';
  return typeOf(value);
}

/** Where secrets live: a provider's key and its extra headers (which may carry credentials). */
export function isSecretPath(path: ConfigPath): boolean {
  return path.includes('apiKey') || path.includes('headers');
}

function typeOf(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'boolean') return 'true or false';
  return `a ${typeof value}`;
}
