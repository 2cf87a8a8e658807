import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateKey, hashKey } from '../access/keys';
import { loadConfigFile } from './index';

const EXAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
/** Virtual keys the teams-and-budgets example reads from the environment. */
const KEY_VARIABLES = ['RESEARCH_NOTEBOOKS_KEY', 'SUPPORT_BOT_KEY', 'SUPPORT_TRIAL_KEY', 'OPS_DASHBOARD_KEY'];
const KEYS = Object.fromEntries(KEY_VARIABLES.map((name) => [name, generateKey().key]));
const DUMMY_ENV = { OPENAI_API_KEY: 'sk-dummy', ANTHROPIC_API_KEY: 'sk-ant-dummy', GEMINI_API_KEY: 'gemini-dummy', ...KEYS };
const exampleDirs = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe('examples', () => {
  it('include the four documented setups', () => {
    expect(exampleDirs).toEqual(expect.arrayContaining(['demo', 'openai-anthropic-gemini', 'local-vllm-ollama', 'teams-and-budgets']));
  });

  it.each(exampleDirs)('%s has a valid junction.yaml and a README', (name) => {
    expect(existsSync(join(EXAMPLES, name, 'README.md'))).toBe(true);
    const config = loadConfigFile(join(EXAMPLES, name, 'junction.yaml'), DUMMY_ENV);
    expect(config.catalog.routes.size).toBeGreaterThan(0);
    expect(config.ledger).toMatchObject({ path: join(EXAMPLES, name, 'junction.db') });
  });

  it('keeps keys in the environment, not in the files', () => {
    const config = loadConfigFile(join(EXAMPLES, 'openai-anthropic-gemini', 'junction.yaml'), DUMMY_ENV);
    expect([...config.catalog.providers.values()].map((provider) => [provider.id, provider.apiKey])).toEqual([
      ['openai', 'sk-dummy'],
      ['anthropic', 'sk-ant-dummy'],
      ['gemini', 'gemini-dummy'],
    ]);
  });
});

describe('the demo', () => {
  const config = loadConfigFile(join(EXAMPLES, 'demo', 'junction.yaml'), {});

  it('needs no environment and listens where the docs say', () => {
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 4000 });
    expect(config.simulator).toMatchObject({ host: '127.0.0.1', port: 4010 });
    const providers = [...config.catalog.providers.values()];
    expect(providers.map((provider) => [provider.kind, provider.baseUrl, provider.apiKey])).toEqual([
      ['openai', 'http://127.0.0.1:4010/v1', 'demo'],
      ['anthropic', 'http://127.0.0.1:4010/v1', 'demo'],
      ['gemini', 'http://127.0.0.1:4010/v1beta', 'demo'],
    ]);
  });

  it('has the documented deployments and routes', () => {
    expect([...config.catalog.deployments.keys()]).toEqual(
      expect.arrayContaining(['sim-gpt-4o-mini', 'sim-gpt-4o', 'sim-claude-haiku', 'sim-gemini-flash', 'sim-embed']),
    );
    expect([...config.catalog.routes.keys()]).toEqual(
      expect.arrayContaining(['gpt-4o-mini', 'gpt-4o', 'claude-3-5-haiku', 'gemini-flash', 'chat-fast', 'text-embedding-3-small']),
    );
  });

  it('gives every deployment a simulated behaviour', () => {
    const behaviours = config.simulator?.models ?? {};
    for (const deployment of config.catalog.deployments.values()) {
      expect(behaviours[deployment.model], deployment.id).toBeDefined();
    }
  });

  it('puts a flaky deployment first in a route that mixes providers', () => {
    const route = config.catalog.routes.get('chat-fast');
    const first = config.catalog.deployments.get(route?.deployments[0] ?? '');
    expect(config.simulator?.models[first?.model ?? '']?.errorRates).toEqual({ '500': 0.3 });
    const providers = new Set(route?.deployments.map((id) => config.catalog.deployments.get(id)?.provider));
    expect(providers.size).toBe(3);
  });
});

describe('teams and budgets', () => {
  const file = join(EXAMPLES, 'teams-and-budgets', 'junction.yaml');
  const config = loadConfigFile(file, KEYS);

  it('needs keys and declares them by environment reference only', () => {
    expect(config.auth.mode).toBe('keys');
    expect(readFileSync(file, 'utf8')).not.toMatch(/jk-[0-9A-Za-z]{43}|[0-9a-f]{64}/);
    for (const key of config.auth.keys) expect(key.key, key.id).toMatch(/^jk-/);
    const variables = [...readFileSync(file, 'utf8').matchAll(/\$\{([A-Z_]+)\}/g)].map((match) => match[1]);
    expect(variables.sort()).toEqual([...KEY_VARIABLES].sort());
    expect(config.auth.keys.map((key) => hashKey(key.key!))).toEqual(KEY_VARIABLES.map((name) => hashKey(KEYS[name]!)));
  });

  it('has two teams, keys of every tier, and budgets at every level', () => {
    expect(config.auth.teams.map((team) => team.id)).toEqual(['research', 'support']);
    expect(new Set(config.auth.keys.map((key) => key.tier))).toEqual(new Set(['free', 'standard', 'premium']));
    expect(config.auth.keys.filter((key) => key.budgets.length > 0).map((key) => key.id)).toEqual(['research-notebooks', 'support-trial']);
    expect(config.auth.teams.every((team) => team.budgets.length > 0 && team.limits.rpm !== undefined)).toBe(true);
    expect(config.limits.global.budgets).toEqual([{ usd: 500, period: 'month' }]);
    expect(config.limits.providers.get('sim-openai')).toEqual([{ usd: 400, period: 'month' }]);
  });

  it('downgrades its dear route to a cheaper one when a budget refuses, and queues by tier there', () => {
    const dear = config.limits.routes.get('gpt-4o');
    expect(dear).toMatchObject({ downgradeTo: 'gpt-4o-mini', budgets: [{ usd: 0.05, period: 'day' }], concurrency: { max: 16, queue: 64 } });
    const price = (route: string) => config.catalog.deployments.get(config.catalog.routes.get(route)!.deployments[0]!)!.pricing.outputPerMillion;
    expect(price('gpt-4o-mini')).toBeLessThan(price('gpt-4o'));
  });

  it('runs on simulated upstreams only', () => {
    expect(config.simulator).toBeDefined();
    for (const provider of config.catalog.providers.values()) expect(provider.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:4011\//);
  });
});
