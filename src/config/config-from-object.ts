import { buildConfig } from './build-config';
import { withSource } from './config-source';
import { ConfigError } from './config-error';
import { formatPath, type PathIssue } from './config-path';
import type { JunctionConfig } from './types';
import { validateConfigData } from './validate';

/**
 * Validate a config built in code (tests, library callers) exactly as a file would be.
 * No environment interpolation: values are taken as given.
 */
export function configFromObject(input: unknown, options: { baseDir?: string } = {}): JunctionConfig {
  const validation = validateConfigData(input);
  if (!validation.ok) {
    throw new ConfigError(validation.issues.map((issue: PathIssue) => ({ file: '<object>', path: formatPath(issue.path), message: issue.message })));
  }
  const baseDir = options.baseDir ?? process.cwd();
  return withSource(buildConfig(validation.config, { baseDir }), input, baseDir);
}
