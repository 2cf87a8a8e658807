/**
 * The loader's entry points: YAML text, a file, or a plain object in, a validated
 * JunctionConfig out, or a ConfigError listing every problem with its place in the source.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildConfig } from './build-config';
import { sourceOf, withSource } from './config-source';
import { ConfigError } from './config-error';
import { formatPath } from './config-path';
import { interpolateEnv } from './interpolate';
import type { Env } from './interpolate';
import type { ConfigIssue, JunctionConfig } from './types';
import { validateConfigData } from './validate';
import { readYamlSource } from './yaml-source';

export { configFromObject } from './config-from-object';

export interface ParseConfigOptions {
  /** Name used in messages, and by default the base for relative paths. */
  file: string;
  /** Variables for `${VAR}` interpolation; defaults to the process environment. */
  env?: Env;
  /** Directory relative paths (the ledger file) resolve against; defaults to the file's directory. */
  baseDir?: string;
}

export function parseConfig(text: string, options: ParseConfigOptions): JunctionConfig {
  const { file } = options;
  const source = readYamlSource(text);
  if (source.syntaxIssues.length > 0) {
    throw new ConfigError(source.syntaxIssues.map(({ message, position }) => ({ file, ...position, path: '', message })));
  }
  if (source.data === null || source.data === undefined) {
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message: 'expected a mapping with providers, deployments and routes, got an empty file' }]);
  }
  const interpolation = interpolateEnv(withoutExtensions(source.data), options.env ?? process.env);
  const validation = validateConfigData(interpolation.data, interpolation);
  const pathIssues = [...source.duplicateKeys, ...interpolation.issues, ...(validation.ok ? [] : validation.issues)];
  if (!validation.ok || pathIssues.length > 0) {
    const issues = pathIssues.map((issue): ConfigIssue => ({
      file,
      ...source.locate(issue.path, issue.at),
      path: formatPath(issue.path),
      message: issue.message,
    }));
    throw new ConfigError(sortByPosition(issues));
  }
  const baseDir = options.baseDir ?? dirname(resolve(file));
  return withSource(buildConfig(validation.config, { baseDir, file }), interpolation.data, baseDir);
}

/** Read and parse a config file; relative paths in it resolve against its directory. */
export function loadConfigFile(file: string, env?: Env): JunctionConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([{ file, path: '', message: `cannot read the config file (${describeReadError(error)})` }]);
  }
  const config = parseConfig(text, { file, env, baseDir: dirname(resolve(file)) });
  const source = sourceOf(config);
  const located = { ...config, file: resolve(file) };
  return source ? withSource(located, source.data, source.baseDir) : located;
}

export function describeReadError(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    if (error.code === 'ENOENT') return 'no such file';
    if (error.code === 'EACCES') return 'permission denied';
    if (error.code === 'EISDIR') return 'it is a directory';
    return error.code;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Top-level keys starting with `x-` are ignored, as in Compose files: a place to define YAML
 * anchors (`x-defaults: &defaults`) that deployments then merge in with `<<: *defaults`.
 */
function withoutExtensions(data: unknown): unknown {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('x-')));
}

function sortByPosition(issues: ConfigIssue[]): ConfigIssue[] {
  // Array.prototype.sort is stable, so issues at the same place keep the order they were found in.
  return [...issues].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
}
