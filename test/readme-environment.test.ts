/**
 * The README's table of environment variables must name every variable Junction's code reads
 * by name, and every one its example configs interpolate, and nothing that is no longer read.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

function filesUnder(folder: string, pattern: RegExp): string[] {
  return readdirSync(join(root, folder)).flatMap((name) => {
    const path = join(folder, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    return statSync(join(root, path)).isDirectory() ? filesUnder(path, pattern) : pattern.test(name) ? [path] : [];
  });
}

function namesIn(files: string[], pattern: RegExp): Set<string> {
  const names = new Set<string>();
  for (const file of files) for (const match of readFileSync(join(root, file), 'utf8').matchAll(pattern)) names.add(match[1]);
  return names;
}

const codeFiles = ['src', 'bin', 'scripts', 'test', 'bench'].flatMap((folder) => filesUnder(folder, /\.(ts|js|mjs)$/));
const readByCode = new Set([
  ...namesIn(codeFiles, /process\.env(?:\.|\[['"])([A-Z][A-Z0-9_]*)/g),
  // Variables read through a named constant (`ADMIN_KEY_ENV = 'JUNCTION_ADMIN_KEY'`), e.g. from an injected environment.
  ...namesIn(codeFiles.filter((file) => !file.endsWith('.test.ts')), /\b[A-Z][A-Z0-9_]*_ENV\s*=\s*['"]([A-Z][A-Z0-9_]*)['"]/g),
]);
const interpolated = namesIn(filesUnder('examples', /\.ya?ml$/), /\$\{([A-Z][A-Z0-9_]*)(?::-[^}]*)?\}/g);

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('**Environment variables.**'), readme.indexOf('**Shutdown.**'));

describe('README: environment variables', () => {
  it('has the section', () => {
    expect(section.length).toBeGreaterThan(0);
    expect(section).toContain('| variable | read by | what |');
  });

  it('names every variable the code reads by name', () => {
    expect(readByCode.size).toBeGreaterThan(0);
    for (const name of readByCode) expect(section, name).toContain(`\`${name}\``);
  });

  it('names every variable the example configs use', () => {
    expect(interpolated.size).toBeGreaterThan(0);
    for (const name of interpolated) expect(section, name).toContain(`\`${name}\``);
  });

  it('names nothing that is not read', () => {
    const listed = [...section.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]);
    for (const name of listed) expect(readByCode.has(name) || interpolated.has(name), name).toBe(true);
  });
});
