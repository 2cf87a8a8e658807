/**
 * The layout's rules, checked on the import graph so they cannot drift: the resilience core has
 * no LLM terms or I/O, config imports no runtime module, the pipeline loads neither a Redis
 * client nor SQLite nor the web server, only app.ts wires, and the library entry loads nothing
 * Node-only beyond what it needs (undici, node: built-ins).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '__fixtures__' || name === '__snapshots__' ? [] : sourceFiles(path);
    return /\.(ts|mts|mjs)$/.test(name) && !/\.test\.ts$|\.d\.mts$/.test(name) ? [path] : [];
  });
}

/** Each source file (from src/) and what it imports directly: src/ paths for our modules, package names for the rest. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm), ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map(([, spec]) =>
      spec.startsWith('.') ? relative(SRC, resolve(dirname(file), spec)) : spec,
    );
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

const graph = importGraph();
const importsOf = (prefix: string) => [...graph].filter(([file]) => file.startsWith(prefix)).flatMap(([file, targets]) => targets.map((target) => `${file} → ${target}`));

describe('layout rules', () => {
  it('resilience/ imports nothing but itself: no LLM terms, no I/O', () => {
    expect(importsOf('resilience/').filter((edge) => !edge.split(' → ')[1].startsWith('resilience/'))).toEqual([]);
  });

  it('config/ imports no runtime module (state, simulator, gateway, http, ledger, observability)', () => {
    expect(importsOf('config/').filter((edge) => /→ (state|simulator|gateway|http|ledger|observability|cli|providers)\//.test(edge))).toEqual([]);
  });

  it('the pipeline (gateway/) loads no Redis client, SQLite, web server or simulator', () => {
    expect(importsOf('gateway/').filter((edge) => /→ (ioredis|better-sqlite3|fastify|pino|state\/redis|ledger\/sqlite|http\/|simulator\/|cli\/|app)/.test(edge))).toEqual([]);
  });

  it('only app.ts (and the CLI that runs it) builds the Redis store, the ledger and the server', () => {
    const wiring = [...graph]
      .filter(([, targets]) => targets.some((target) => /^(state\/create-state-store|http\/server|ledger$|ledger\/index)$/.test(target)))
      .map(([file]) => file)
      .sort();
    expect(wiring).toEqual(['app.ts']);
  });

  it('the library entry (createRouter) bundles without the server, Redis, SQLite, logger or simulator', async () => {
    const result = await build({ entryPoints: [join(SRC, 'index.ts')], bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => /src\/(http|cli|simulator|ledger\/sqlite|state\/redis|observability)\//.test(input))).toEqual([]);
    const packages = new Set(Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((entry) => entry.external).map((entry) => entry.path.split('/')[0])));
    for (const nodeOnly of ['ioredis', 'better-sqlite3', 'fastify', 'pino', 'prom-client', 'yaml']) expect(packages).not.toContain(nodeOnly);
    expect(packages).toContain('undici');
  });
});
