/**
 * docs/access.md must stay true of the code: every YAML snippet in it loads through the real
 * config loader (a fragment on top of a small base config, as a reader would paste it into
 * theirs), every error code it names is in the catalogue, every metric it names is registered,
 * and its table of settings gives the schema's own defaults. docs/ledger.md's write settings are
 * checked against the config's defaults the same way.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { generateKey } from '../src/access/keys';
import { parseConfig } from '../src/config';
import { valueAt } from '../src/config/config-path';
import { configSchema } from '../src/config/schema';
import { ERROR_CATALOGUE } from '../src/errors';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const doc = read('../docs/access.md');

/** What a fragment is pasted into: one provider, the routes the page's snippets name. */
const BASE = {
  providers: { openai: { kind: 'openai', apiKey: 'sk-test' } },
  deployments: {
    'gpt-4o': { provider: 'openai', model: 'gpt-4o', pricing: { input: 2.5, output: 10 }, contextWindow: 128_000 },
    'gpt-4o-mini': { provider: 'openai', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 }, contextWindow: 128_000 },
    embed: { provider: 'openai', model: 'text-embedding-3-small', pricing: { input: 0.02, output: 0 }, contextWindow: 8191, capabilities: ['embeddings'] },
  },
  routes: {
    'gpt-4o': { deployments: ['gpt-4o'] },
    'gpt-4o-mini': { deployments: ['gpt-4o-mini'] },
    'text-embedding-3-small': { deployments: ['embed'] },
  },
};

function blocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp('^( *)```' + language + '\\n([\\s\\S]*?)^\\1```$', 'gm'))].map((match) =>
    match[2]!.split('\n').map((line) => line.slice(match[1]!.length)).join('\n'),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `fragment` over `base`: mappings merge key by key, anything else replaces. */
function merged(base: unknown, fragment: unknown): unknown {
  if (!isObject(base) || !isObject(fragment)) return fragment;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(fragment)) result[key] = key in base ? merged(base[key], value) : value;
  return result;
}

/** Every `${NAME}` a snippet reads, set: names of keys to a well-formed key, the rest to a token. */
function environmentFor(text: string): Record<string, string> {
  const names = [...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((match) => match[1]!);
  return Object.fromEntries(names.map((name) => [name, name.endsWith('_KEY') ? generateKey().key : 'token-for-tests']));
}

describe('docs/access.md', () => {
  const snippets = blocks(doc, 'yaml');

  it('has YAML snippets', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(8);
  });

  it.each(snippets.map((snippet, index) => [index + 1, snippet] as const))('YAML snippet %i loads through the config loader', (_index, snippet) => {
    const fragment: unknown = parse(snippet);
    expect(isObject(fragment), snippet).toBe(true);
    // Written out as YAML and read back through the loader, interpolation and cross-checks included.
    const text = stringify(merged(BASE, fragment));
    expect(() => parseConfig(text, { file: 'docs/access.md', env: environmentFor(snippet) })).not.toThrow();
  });

  it('names only error codes the catalogue has, and every code of access control', () => {
    // The comparison with other gateways quotes their setting names; the rest of the page is Junction's.
    const ours = doc.slice(doc.indexOf('## Turning keys on'));
    const backticked = [...ours.matchAll(/`([a-z]+(?:_[a-z]+)+)`/g)].map((match) => match[1]!);
    const inBodies = [...ours.matchAll(/"code":"([a-z_]+)"|x-junction-error-code: ([a-z_]+)/g)].map((match) => match[1] ?? match[2]!);
    // Snake-case names on the page that are not error codes: a request field, and metrics (checked below).
    const notCodes = (name: string) => name === 'max_tokens' || name.startsWith('junction_');
    const named = new Set([...backticked, ...inBodies].filter((name) => !notCodes(name)));
    for (const code of named) expect(Object.keys(ERROR_CATALOGUE), `${code} is named in docs/access.md`).toContain(code);
    for (const code of ['missing_api_key', 'invalid_api_key', 'api_key_revoked', 'api_key_expired', 'permission_denied', 'rate_limit_exceeded', 'budget_exceeded', 'queue_full', 'queue_timeout', 'limits_unavailable', 'access_store_unavailable']) {
      expect([...named], code).toContain(code);
    }
  });

  it('names only metrics that are registered', () => {
    const metrics = read('../src/observability/metrics.ts');
    const named = [...new Set([...doc.matchAll(/`(junction_[a-z_]+)/g)].map((match) => match[1]!))];
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(metrics, name).toContain(`name: '${name}'`);
  });

  it('gives the schema’s defaults in its table of settings', () => {
    const defaults = configSchema.parse(BASE);
    const rows = [...doc.matchAll(/^\| `((?:auth|limits)\.[a-zA-Z.]+)` \| `([^`]+)` \|/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const [, path, value] of rows) expect(valueAt(defaults, path!.split('.')), path).toEqual(parse(value!));
  });

  it('quotes the response headers the gateway sends', () => {
    for (const header of ['retry-after', 'x-should-retry', 'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests']) {
      expect(read('../src/access/refusals.ts') + read('../src/http/respond.ts'), header).toContain(header.startsWith('x-ratelimit') ? 'x-ratelimit-' : header);
    }
  });
});

describe('docs/ledger.md', () => {
  it('gives the config’s defaults for the ledger’s flush interval and batch size', () => {
    const { ledger } = configSchema.parse(BASE);
    expect(read('../docs/ledger.md')).toContain(`default ${ledger.flushIntervalMs} ms and ${ledger.batchSize} for either store`);
  });
});
