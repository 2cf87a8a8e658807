/**
 * Environment variables are always strings, yet `port: ${PORT:-4000}` should work. So where
 * the schema wants a number (or a boolean) and the value came from the environment and reads
 * as one, it is converted. Only there: a quoted `"4000"` written in the file stays a string
 * and stays an error, keeping the file's own types strict.
 */
import type { z } from 'zod';
import { formatPath, toConfigPath, valueAt } from './config-path';
import type { ConfigPath } from './config-path';

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A copy of `data` with the interpolated strings that zod rejected as non-numbers (or
 * non-booleans) converted, or undefined when there is nothing to convert.
 */
export function coerceInterpolatedScalars(
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
  interpolated: ReadonlyMap<string, string>,
): unknown {
  const replacements: Array<{ path: ConfigPath; value: number | boolean }> = [];
  for (const issue of issues) {
    if (issue.code !== 'invalid_type') continue;
    const path = toConfigPath(issue.path);
    if (!interpolated.has(formatPath(path))) continue;
    const text = valueAt(data, path);
    if (typeof text !== 'string') continue;
    const trimmed = text.trim();
    if ((issue.expected === 'number' || issue.expected === 'int') && NUMERIC.test(trimmed)) {
      replacements.push({ path, value: Number(trimmed) });
    } else if (issue.expected === 'boolean' && (trimmed === 'true' || trimmed === 'false')) {
      replacements.push({ path, value: trimmed === 'true' });
    }
  }
  if (replacements.length === 0) return undefined;
  const copy = structuredClone(data);
  for (const { path, value } of replacements) {
    const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
    parent[path[path.length - 1]] = value;
  }
  return copy;
}
