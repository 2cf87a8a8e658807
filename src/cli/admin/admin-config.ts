/**
 * What the admin commands take from the gateway's config file (`--config`): the name of the
 * environment variable that holds the admin key, `auth.adminKeyEnv`. Only that field is read
 * and checked, not the whole config: an operator's shell rarely holds every provider secret the
 * config interpolates, and the admin commands need none of them.
 */
import { readFileSync } from 'node:fs';
import { adminKeyEnvSchema } from '../../config/access-schema';
import { DEFAULT_ADMIN_KEY_ENV } from '../../config/defaults';
import { describeReadError } from '../../config/parse-config';
import { readYamlSource } from '../../config/yaml-source';
import { CliFailure } from './admin-client';

/** The admin key's variable as `file` names it (`auth.adminKeyEnv`), or the default when it names none. */
export function adminKeyEnvOf(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliFailure(`--config ${file}: cannot read the config file (${describeReadError(error)})`, 2);
  }
  const source = readYamlSource(text);
  const [syntax] = source.syntaxIssues;
  if (syntax !== undefined) throw new CliFailure(`--config ${file}:${syntax.position.line}:${syntax.position.column}: ${syntax.message}`, 2);
  const auth = isMapping(source.data) ? source.data.auth : undefined;
  const named = isMapping(auth) ? auth.adminKeyEnv : undefined;
  if (named === undefined) return DEFAULT_ADMIN_KEY_ENV;
  const checked = adminKeyEnvSchema.safeParse(named);
  if (!checked.success) {
    const { line, column } = source.locate(['auth', 'adminKeyEnv']);
    throw new CliFailure(`--config ${file}:${line}:${column}: auth.adminKeyEnv: expected an environment variable name, got ${JSON.stringify(named)}`, 2);
  }
  return checked.data;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
