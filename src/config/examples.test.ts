import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from './index';

const EXAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
const DUMMY_ENV = { OPENAI_API_KEY: 'sk-dummy', ANTHROPIC_API_KEY: 'sk-ant-dummy', GEMINI_API_KEY: 'gemini-dummy' };
const exampleDirs = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe('examples', () => {
  it('include the three documented setups', () => {
    expect(exampleDirs).toEqual(expect.arrayContaining(['demo', 'openai-anthropic-gemini', 'local-vllm-ollama']));
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
