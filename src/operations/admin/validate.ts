/**
 * Admin input checked with zod and refused as `invalid_request`, the message starting with the
 * field at fault (`limits.rpm: expected a whole number >= 1, got 0`) and `param` set to it, so
 * the HTTP API, the CLI and an agent all learn which field to fix.
 */
import type { z } from 'zod';
import { JunctionError } from '../../errors';

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
};

/** `limits.rpm`, `budgets[0].usd`; empty for the input as a whole. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/** A refusal naming `path` (the input as a whole when empty). */
export function invalidField(path: readonly PropertyKey[] | string, message: string): JunctionError {
  const param = typeof path === 'string' ? path : fieldPath(path);
  return new JunctionError('invalid_request', `${param === '' ? 'request body' : param}: ${message}`, { param: param === '' ? undefined : param });
}

/** `input` parsed by `schema`, or the first problem as an `invalid_request`. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') return fail([...issue.path, issue.keys[0]], 'unknown field');
  return fail(issue.path, describeIssue(issue));
}

function fail(path: readonly PropertyKey[], message: string): never {
  throw invalidField(path, message);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const found = 'input' in issue ? describeFound(issue.input) : undefined;
  switch (issue.code) {
    case 'invalid_type':
      if (found === undefined) return `required; expected ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
      return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, got ${found}`;
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? String(issue.values[0]) : `one of ${issue.values.map(String).join(', ')}`}, got ${found}`;
    case 'too_small':
      return `expected ${bound(issue.origin, issue.inclusive ? '>=' : '>', Number(issue.minimum), 'at least')}, got ${found}`;
    case 'too_big':
      return `expected ${bound(issue.origin, issue.inclusive ? '<=' : '<', Number(issue.maximum), 'at most')}, got ${found}`;
    default:
      // Custom checks in the schemas phrase their own message ("expected …"); an object-wide
      // check's input is the whole object, which says nothing more.
      return found === undefined || typeof issue.input === 'object' ? issue.message : `${issue.message}, got ${found}`;
  }
}

function bound(origin: string, comparison: string, limit: number, countWord: string): string {
  if (origin === 'array') return `${countWord} ${limit} ${limit === 1 ? 'entry' : 'entries'}`;
  if (origin === 'string') return limit === 1 && countWord === 'at least' ? 'a non-empty string' : `${countWord} ${limit} characters`;
  return `a number ${comparison} ${limit}`;
}

/** What was sent, short enough for a message: strings and numbers as they are, other things by type. */
function describeFound(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
