/**
 * Validation shared by every way of building a config (YAML text or a plain object):
 * schema, then cross-checks. Results are issues by path; callers add file positions.
 */
import { coerceInterpolatedScalars } from './coerce';
import { formatPath, toConfigPath } from './config-path';
import type { PathIssue } from './config-path';
import { crossCheck } from './cross-check';
import { configSchema } from './schema';
import type { RawConfig } from './schema';
import { describeZodIssue } from './zod-issues';

export type Validation = { ok: true; config: RawConfig } | { ok: false; issues: PathIssue[] };

export interface ValidationContext {
  /** Formatted paths of values taken from the environment → the text as written. */
  interpolated: ReadonlyMap<string, string>;
  /** Paths whose interpolation already failed; schema complaints about them would only repeat it. */
  failed: ReadonlySet<string>;
}

const NO_ENV: ValidationContext = { interpolated: new Map(), failed: new Set() };

export function validateConfigData(data: unknown, context: ValidationContext = NO_ENV): Validation {
  let input = data;
  let result = configSchema.safeParse(input);
  if (!result.success) {
    const coerced = coerceInterpolatedScalars(input, result.error.issues, context.interpolated);
    if (coerced !== undefined) {
      input = coerced;
      result = configSchema.safeParse(input);
    }
  }
  if (!result.success) {
    const issueContext = { schema: configSchema, data: input, interpolated: context.interpolated };
    const issues = result.error.issues
      .filter((issue) => !context.failed.has(formatPath(toConfigPath(issue.path))))
      .flatMap((issue) => describeZodIssue(issue, issueContext));
    return { ok: false, issues };
  }
  // Cross-checks need well-typed sections, so they run once the schema is satisfied.
  const issues = crossCheck(result.data, context.interpolated);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config: result.data };
}
