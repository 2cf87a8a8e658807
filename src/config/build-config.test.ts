import { DEFAULT_BREAKER_POLICY } from '../resilience/types';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, configFromObject, loadConfigFile, parseConfig } from './index';

const MINIMAL = {
  providers: { openai: { kind: 'openai', apiKey: 'sk-test' } },
  deployments: { mini: { provider: 'openai', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 }, contextWindow: 128_000 } },
  routes: { chat: { deployments: ['mini'] } },
};

describe('defaults', () => {
  const config = configFromObject(MINIMAL, { baseDir: resolve('project') });

  it('fills server, logging and ledger settings', () => {
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 4000,
      bodyLimitBytes: 4_194_304,
      requestTimeoutMs: 300_000,
      shutdownGraceMs: 10_000,
      headersTimeoutMs: 30_000,
      requestBodyTimeoutMs: 120_000,
      maxConnections: 10_000,
    });
    expect(config.logging).toEqual({ level: 'info' });
    expect(config.ledger).toEqual({ kind: 'sqlite', path: resolve('project', 'junction.db'), batchSize: 128, flushIntervalMs: 25, timeZone: 'UTC' });
    expect(config.simulator).toBeUndefined();
  });

  it('keeps health and breaker state in memory unless told to share it', () => {
    expect(config.state).toEqual({ kind: 'memory' });
    const shared = configFromObject({ ...MINIMAL, state: { kind: 'redis', url: 'redis://10.0.0.5:6379/2' } }, { baseDir: resolve('project') });
    expect(shared.state).toEqual({ kind: 'redis', url: 'redis://10.0.0.5:6379/2', prefix: 'junction:', claimTimeoutMs: 50 });
    const patient = configFromObject({ ...MINIMAL, state: { kind: 'redis', url: 'redis://10.0.0.5:6379/2', claimTimeoutMs: 200 } }, { baseDir: resolve('project') });
    expect(patient.state).toMatchObject({ claimTimeoutMs: 200 });
  });

  it('fills provider, deployment and route fields', () => {
    expect(config.catalog.providers.get('openai')).toEqual({
      id: 'openai',
      kind: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'sk-test',
      timeoutMs: 60_000,
      connectTimeoutMs: 5_000,
      maxConnections: 128,
      headers: {},
    });
    expect(config.catalog.deployments.get('mini')).toEqual({
      id: 'mini',
      provider: 'openai',
      model: 'gpt-4o-mini',
      pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
      contextWindow: 128_000,
      capabilities: ['chat', 'streaming'],
      priority: 0,
      weight: 1,
      tags: {},
    });
    expect(config.catalog.routes.get('chat')).toEqual({
      name: 'chat',
      deployments: ['mini'],
      tiers: [{ name: 'primary', deployments: ['mini'] }],
      strategy: 'priority',
      strategyOptions: {},
      retry: { attempts: 1, baseDelayMs: 100, maxDelayMs: 2_000, budgetRatio: 0.2 },
      streamResume: false,
      firstByteTimeoutMs: 'auto',
      breaker: DEFAULT_BREAKER_POLICY,
      staleCache: false,
      overrides: { strategy: true, pin: false, exclude: true, auto: true },
    });
  });

  it.each([
    ['openai', undefined, 'https://api.openai.com/v1'],
    ['anthropic', undefined, 'https://api.anthropic.com/v1'],
    ['gemini', undefined, 'https://generativelanguage.googleapis.com/v1beta'],
    ['openai', 'https://proxy.example.com/openai/v1/', 'https://proxy.example.com/openai/v1'],
    ['openai-compatible', 'http://127.0.0.1:8000/v1', 'http://127.0.0.1:8000/v1'],
  ])('a %s provider with baseUrl %s uses %s', (kind, baseUrl, expected) => {
    const input = { ...MINIMAL, providers: { openai: { kind, ...(baseUrl ? { baseUrl } : {}) } } };
    expect(configFromObject(input).catalog.providers.get('openai')?.baseUrl).toBe(expected);
  });

  it('gives openai-compatible providers the generic preset unless one is named', () => {
    const input = {
      ...MINIMAL,
      providers: {
        openai: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1' },
        ollama: { kind: 'openai-compatible', preset: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
      },
    };
    const { providers } = configFromObject(input).catalog;
    expect(providers.get('openai')?.preset).toBe('generic');
    expect(providers.get('ollama')?.preset).toBe('ollama');
  });
});

describe('mapping to the runtime model', () => {
  it('maps prices, optional fields and removes repeated capabilities', () => {
    const config = configFromObject({
      ...MINIMAL,
      deployments: {
        mini: {
          provider: 'openai',
          model: 'gpt-4o-mini',
          pricing: { input: 0.15, output: 0.6, cachedInput: 0.075 },
          contextWindow: 128_000,
          maxOutputTokens: 16_384,
          capabilities: ['chat', 'tools', 'chat'],
          quality: 0.7,
          priority: 2,
          weight: 3,
          tags: { tier: 'standard' },
        },
        big: { provider: 'openai', model: 'gpt-4o', pricing: { input: 2.5, output: 10 }, contextWindow: 128_000 },
        degraded: { provider: 'openai', model: 'gpt-3.5-turbo', pricing: { input: 0.5, output: 1.5 }, contextWindow: 16_000 },
        llama: { provider: 'openai', model: 'llama', pricing: { input: 0, output: 0 }, contextWindow: 8_000 },
      },
      routes: {
        chat: {
          deployments: ['mini'],
          secondary: ['big'],
          emergency: { staleCache: true, deployments: ['degraded'] },
          local: ['llama'],
          static: { message: 'Busy, try later.' },
          retry: { attempts: 2 },
          hedge: { delayMs: 250 },
          strategy: 'least-latency',
          description: 'Chat',
        },
      },
    });
    expect(config.catalog.deployments.get('mini')).toMatchObject({
      pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075 },
      maxOutputTokens: 16_384,
      capabilities: ['chat', 'tools'],
      quality: 0.7,
      priority: 2,
      weight: 3,
      tags: { tier: 'standard' },
    });
    expect(config.catalog.routes.get('chat')).toMatchObject({
      name: 'chat',
      description: 'Chat',
      deployments: ['mini'],
      tiers: [
        { name: 'primary', deployments: ['mini'] },
        { name: 'secondary', deployments: ['big'] },
        { name: 'emergency', deployments: ['degraded'] },
        { name: 'local', deployments: ['llama'] },
      ],
      strategy: 'least-latency',
      retry: { attempts: 2, baseDelayMs: 100 },
      hedge: { delayMs: 250, fallbackDelayMs: 1_000 },
      staleCache: true,
      staticResponse: 'Busy, try later.',
    });
  });

  it('defaults the simulator listener and keeps behaviours as written', () => {
    const behaviour = { latencyMs: { p50: 150, p99: 600 }, tokensPerSecond: 80, errorRates: { '500': 0.3 } };
    const config = configFromObject({ ...MINIMAL, simulator: { models: { 'gpt-4o-mini': behaviour } } });
    expect(config.simulator).toEqual({ host: '127.0.0.1', port: 4010, models: { 'gpt-4o-mini': behaviour } });
  });
});

describe('ledger path', () => {
  const text = (path: string) =>
    [
      `ledger: { path: "${path}" }`,
      'providers: { openai: { kind: openai } }',
      'deployments: { mini: { provider: openai, model: m, pricing: { input: 1, output: 1 }, contextWindow: 10 } }',
      'routes: { chat: { deployments: [mini] } }',
    ].join('\n');

  it.each([
    ['junction.db', resolve('srv', 'app', 'junction.db')],
    ['data/ledger.db', resolve('srv', 'app', 'data', 'ledger.db')],
    ['../shared/ledger.db', resolve('srv', 'shared', 'ledger.db')],
    [':memory:', ':memory:'],
  ])('%s resolves against the config file directory to %s', (path, expected) => {
    const config = parseConfig(text(path), { file: resolve('srv', 'app', 'junction.yaml'), env: {} });
    expect(config.ledger).toMatchObject({ path: expected });
  });

  it('keeps an absolute path', () => {
    const absolute = resolve('var', 'ledger.db');
    expect(parseConfig(text(absolute), { file: 'junction.yaml', env: {} }).ledger).toMatchObject({ path: absolute });
  });

  it('prefers an explicit base directory', () => {
    const config = parseConfig(text('junction.db'), { file: 'junction.yaml', env: {}, baseDir: resolve('elsewhere') });
    expect(config.ledger).toMatchObject({ path: resolve('elsewhere', 'junction.db') });
  });
});

describe('loadConfigFile', () => {
  let directory: string | undefined;
  afterEach(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
    directory = undefined;
  });

  it('reads a file, resolving relative paths beside it', () => {
    directory = mkdtempSync(join(tmpdir(), 'junction-config-'));
    mkdirSync(join(directory, 'conf'));
    const file = join(directory, 'conf', 'junction.yaml');
    writeFileSync(
      file,
      [
        'ledger: { path: state/junction.db }',
        'providers: { openai: { kind: openai, apiKey: "${KEY}" } }',
        'deployments: { mini: { provider: openai, model: m, pricing: { input: 1, output: 1 }, contextWindow: 10 } }',
        'routes: { chat: { deployments: [mini] } }',
      ].join('\n'),
    );
    const config = loadConfigFile(file, { KEY: 'sk-file' });
    expect(config.file).toBe(file);
    expect(config.ledger).toMatchObject({ path: join(directory, 'conf', 'state', 'junction.db') });
    expect(config.catalog.providers.get('openai')?.apiKey).toBe('sk-file');
  });

  it('turns an unreadable file into a ConfigError naming it', () => {
    const missing = join(tmpdir(), 'junction-no-such-dir', 'junction.yaml');
    expect(() => loadConfigFile(missing, {})).toThrow(ConfigError);
    expect(() => loadConfigFile(missing, {})).toThrow(`${missing}: cannot read the config file (no such file)`);
  });
});

describe('configFromObject', () => {
  it('validates exactly as a file would, reporting paths without positions', () => {
    const input = { ...MINIMAL, routes: { chat: { deployments: ['mini', 'maxi'] } }, providers: { openai: { kind: 'openia' } } };
    let error: unknown;
    try {
      configFromObject(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { file: '<object>', path: 'providers.openai.kind', message: 'expected one of openai, anthropic, gemini, openai-compatible, got "openia"' },
    ]);
  });

  it('runs the cross-checks', () => {
    const input = { ...MINIMAL, routes: { chat: { deployments: ['mini', 'maxi'] } } };
    expect(() => configFromObject(input)).toThrow('<object>: routes.chat.deployments[1]: unknown deployment "maxi"; defined deployments: mini');
  });

  it('does not let an inherited property name pass as a reference', () => {
    const input = { ...MINIMAL, routes: { chat: { deployments: ['constructor'] } } };
    expect(() => configFromObject(input)).toThrow('unknown deployment "constructor"');
  });
});

describe('sharing fields in YAML', () => {
  it('ignores top-level x- keys and merges anchors with <<', () => {
    const text = [
      'x-openai-chat: &openai-chat',
      '  provider: openai',
      '  contextWindow: 128000',
      '  capabilities: [chat, tools, streaming]',
      'providers: { openai: { kind: openai } }',
      'deployments:',
      '  mini:',
      '    <<: *openai-chat',
      '    model: gpt-4o-mini',
      '    pricing: { input: 0.15, output: 0.6 }',
      'routes: { chat: { deployments: [mini] } }',
    ].join('\n');
    const deployment = parseConfig(text, { file: 'junction.yaml', env: {} }).catalog.deployments.get('mini');
    expect(deployment).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', contextWindow: 128_000, capabilities: ['chat', 'tools', 'streaming'] });
  });
});
