import type { core, z } from 'zod';
import type { JunctionError } from '../../../errors';
import { isObject } from '../../../wire/shape-checks';
import { invalidRequest } from './invalid-request';

type Issue = core.$ZodIssue;
type RawIssue = core.$ZodRawIssue;

/**
 * Validate a request body against a wire schema. On failure, throws `invalid_request` naming
 * the single most useful field: zod reports every problem, but a caller fixes one field at a
 * time, and for unions it reports every branch; we follow the branch the body was evidently
 * aiming at.
 */
export function parseRequestBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  const result = schema.safeParse(body, { error: describeIssue });
  if (result.success) return result.data;
  throw issueToError(result.error.issues);
}

/** The JunctionError for the first of `issues`, descending into union branches. */
function issueToError(issues: readonly Issue[]): JunctionError {
  const { path, message } = mostSpecific(issues[0], []);
  return invalidRequest(path, message);
}

function mostSpecific(issue: Issue, prefix: readonly PropertyKey[]): { path: PropertyKey[]; message: string } {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // A branch that failed only at its root (wrong type, wrong literal) was not what the caller
    // meant; one that failed deeper inside was, and its issue is the one worth reporting.
    const meant = issue.errors.find((branch) => branch.length > 0 && !failedAtRoot(branch[0]));
    if (meant !== undefined) return mostSpecific(meant[0], path);
  }
  return { path, message: issue.message };
}

function failedAtRoot(issue: Issue): boolean {
  return issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value');
}

/**
 * Schema-level message for a union or shape whose own failure needs words zod cannot guess,
 * e.g. `expecting('a string or an array of content parts')`.
 */
export function expecting(description: string): (issue: RawIssue) => string {
  return function describeExpected(issue) {
    return issue.input === undefined ? 'required' : `expected ${description}, got ${describeValue(issue.input)}`;
  };
}

/**
 * Schema-level message for a discriminated union whose accepted values are fewer than the
 * values its options mention (an option may exist only to reject a value with a better message).
 */
export function acceptedValues(key: string, accepted: readonly string[]): (issue: RawIssue) => string | undefined {
  return function describeUnaccepted(issue) {
    if (issue.code !== 'invalid_union' || !isObject(issue.input) || issue.input[key] === undefined) return undefined;
    return `${quote(issue.input[key])} is not supported (expected ${listValues(accepted)})`;
  };
}

/** Readable messages for zod's issue codes; the field path is prefixed later. */
function describeIssue(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      if (issue.input === undefined) return 'required';
      return `expected ${listValues(issue.values)}, got ${describeValue(issue.input)}`;
    case 'too_small':
      return describeTooSmall(issue.origin, Number(issue.minimum), issue.inclusive !== false, issue.input);
    case 'too_big':
      return describeTooBig(issue.origin, Number(issue.maximum), issue.inclusive !== false, issue.input);
    case 'invalid_union':
      return describeUnion(issue);
    default:
      return undefined;
  }
}

function describeUnion(issue: Extract<RawIssue, { code: 'invalid_union' }>): string {
  if (issue.input === undefined) return 'required';
  if (issue.discriminator === undefined || !('options' in issue) || !isObject(issue.input)) {
    return 'does not match any accepted shape';
  }
  const value = issue.input[issue.discriminator];
  if (value === undefined) return 'required';
  const options = (issue.options ?? []) as readonly unknown[];
  return `${quote(value)} is not supported (expected ${listValues(options)})`;
}

function describeTooSmall(origin: string, minimum: number, inclusive: boolean, input: unknown): string {
  if (origin === 'array') return minimum <= 1 ? 'must not be empty' : `must contain at least ${minimum} items`;
  if (origin === 'string') return minimum <= 1 ? 'must not be empty' : `must be at least ${minimum} characters long`;
  return inclusive ? `must be at least ${minimum}, got ${describeValue(input)}` : `must be greater than ${minimum}, got ${describeValue(input)}`;
}

function describeTooBig(origin: string, maximum: number, inclusive: boolean, input: unknown): string {
  if (origin === 'array') return `must contain at most ${maximum} items`;
  if (origin === 'string') return `must be at most ${maximum} characters long`;
  return inclusive ? `must be at most ${maximum}, got ${describeValue(input)}` : `must be less than ${maximum}, got ${describeValue(input)}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  null: 'null',
};

/** Say what the caller sent without echoing long strings or whole objects back. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function listValues(values: readonly unknown[]): string {
  const quoted = values.map(quote);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function quote(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value) ?? String(value);
  // Echo the caller's value to help them spot a typo, but never a whole payload.
  return value.length > 40 ? `'${value.slice(0, 40)}...'` : `'${value}'`;
}
