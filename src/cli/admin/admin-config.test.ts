import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliFailure } from './admin-client';
import { adminKeyEnvOf } from './admin-config';

const folder = mkdtempSync(join(tmpdir(), 'junction-admin-config-'));
const fileWith = (name: string, text: string) => {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
};

function failure(run: () => unknown): CliFailure {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliFailure);
    return error as CliFailure;
  }
  throw new Error('expected a CliFailure');
}

describe('the admin key variable a config names', () => {
  it('is auth.adminKeyEnv when the config sets it', () => {
    expect(adminKeyEnvOf(fileWith('named.yaml', 'auth:\n  mode: keys\n  adminKeyEnv: PLATFORM_ADMIN_KEY\nproviders: {}\n'))).toBe('PLATFORM_ADMIN_KEY');
  });

  it('is JUNCTION_ADMIN_KEY when it does not, whatever else the config holds (its other variables need not be set)', () => {
    expect(adminKeyEnvOf(fileWith('default.yaml', 'auth: { mode: keys }\nproviders:\n  openai: { kind: openai, apiKey: "${UNSET_SECRET}" }\n'))).toBe('JUNCTION_ADMIN_KEY');
    expect(adminKeyEnvOf(fileWith('no-auth.yaml', 'routes: {}\n'))).toBe('JUNCTION_ADMIN_KEY');
  });

  it('refuses a value that is no variable name, a file it cannot read and bad YAML, as usage errors naming the file', () => {
    const bad = failure(() => adminKeyEnvOf(fileWith('bad.yaml', 'auth:\n  adminKeyEnv: "not a name"\n')));
    expect(bad.exitCode).toBe(2);
    expect(bad.message).toMatch(/bad\.yaml:2:\d+: auth\.adminKeyEnv: expected an environment variable name, got "not a name"/);
    expect(failure(() => adminKeyEnvOf(join(folder, 'missing.yaml'))).message).toContain('cannot read the config file (no such file)');
    expect(failure(() => adminKeyEnvOf(fileWith('broken.yaml', 'auth: [\n'))).exitCode).toBe(2);
  });
});
