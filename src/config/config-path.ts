/**
 * Paths into a config, as segments (`['routes', 'chat', 'deployments', 1]`) and as the text
 * users read (`routes.chat.deployments[1]`).
 */

export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

/** A problem located by config path only; the loader adds file, line and column. */
export interface PathIssue {
  path: ConfigPath;
  message: string;
  /** Point at the key itself rather than its value (unknown and duplicate keys). */
  at?: 'key' | 'value';
}

// Keys that read unambiguously after a dot; anything else (e.g. `gemini-2.0-flash`) is quoted.
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** Narrow zod's `PropertyKey[]` paths to config paths (symbols never occur in parsed YAML). */
export function toConfigPath(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
}

/** The value at `path` in plain data, or undefined when any step is missing. */
export function valueAt(data: unknown, path: ConfigPath): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

/** Whether the object holding the last segment of `path` lacks that key entirely. */
export function isMissing(data: unknown, path: ConfigPath): boolean {
  if (path.length === 0) return data === undefined;
  const parent = valueAt(data, path.slice(0, -1));
  if (parent === null || typeof parent !== 'object') return true;
  return !Object.prototype.hasOwnProperty.call(parent, path[path.length - 1]);
}
