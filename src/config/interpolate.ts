/**
 * Environment interpolation: `${VAR}` and `${VAR:-default}` inside string values.
 *
 * It runs on parsed YAML values, never on the raw text, so a variable's value is always one
 * string and cannot inject YAML structure. `$${` writes a literal `${`. As in the shell, the
 * default applies when the variable is unset or empty. Values taken from the environment are
 * never echoed in messages: they may be secrets.
 */
import { formatPath } from './config-path';
import type { PathIssue, PathSegment } from './config-path';

export type Env = Record<string, string | undefined>;

export interface InterpolationResult {
  data: unknown;
  /** Formatted path → the original text, for every string that referenced the environment. */
  interpolated: Map<string, string>;
  /** Formatted paths whose interpolation failed (their value is left as written). */
  failed: Set<string>;
  issues: PathIssue[];
}

export type InterpolatedString = { ok: true; value: string } | { ok: false; message: string };

const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const INNER = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/** Interpolate one string. */
export function interpolateString(template: string, env: Env): InterpolatedString {
  const problems: string[] = [];
  const value = template.replace(REFERENCE, (match: string, inner: string | undefined) => {
    if (match === '$${') return '${';
    if (inner === undefined) {
      problems.push('unterminated "${": expected ${NAME} or ${NAME:-default}');
      return match;
    }
    const parts = INNER.exec(inner);
    if (!parts) {
      problems.push(`invalid reference "${match}": expected \${NAME} or \${NAME:-default}`);
      return match;
    }
    const [, name, fallback] = parts;
    const found = env[name];
    if (fallback !== undefined && (found === undefined || found === '')) return fallback;
    if (found === undefined) {
      problems.push(`environment variable ${name} is not set (write \${${name}:-default} to give a default)`);
      return match;
    }
    return found;
  });
  return problems.length > 0 ? { ok: false, message: problems.join('; ') } : { ok: true, value };
}

/** Interpolate every string value (not key) in plain data, returning a new tree. */
export function interpolateEnv(data: unknown, env: Env): InterpolationResult {
  const result: InterpolationResult = { data: undefined, interpolated: new Map(), failed: new Set(), issues: [] };
  result.data = walk(data, [], env, result);
  return result;
}

function walk(value: unknown, path: PathSegment[], env: Env, result: InterpolationResult): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    const key = formatPath(path);
    const outcome = interpolateString(value, env);
    if (!outcome.ok) {
      result.failed.add(key);
      result.issues.push({ path, message: outcome.message });
      return value;
    }
    result.interpolated.set(key, value);
    return outcome.value;
  }
  if (Array.isArray(value)) return value.map((item, index) => walk(item, [...path, index], env, result));
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so a `__proto__` key stays a plain key.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, [...path, key], env, result)]));
  }
  return value;
}
