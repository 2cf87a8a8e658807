import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssues, parseConfig } from './index';
import type { ConfigIssue } from './index';

/** Join rows with newlines, so a case's line numbers can be read off its array index + 1. */
const lines = (...rows: string[]) => rows.join('\n') + '\n';

const PROVIDER = ['providers:', '  openai:', '    kind: openai', '    apiKey: sk-test'];
const DEPLOYMENT = [
  'deployments:',
  '  mini:',
  '    provider: openai',
  '    model: gpt-4o-mini',
  '    pricing: { input: 0.15, output: 0.6 }',
  '    contextWindow: 128000',
];
const ROUTE = ['routes:', '  chat:', '    deployments: [mini]'];
const HEADER_NAME = 'expected a name of at most 128 printable ASCII characters without spaces (it is sent in response headers)';

function issuesOf(text: string, env: Record<string, string | undefined> = {}): ConfigIssue[] {
  try {
    parseConfig(text, { file: 'junction.yaml', env });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('a valid config', () => {
  it('parses without issues', () => {
    const config = parseConfig(lines(...PROVIDER, ...DEPLOYMENT, ...ROUTE), { file: 'junction.yaml', env: {} });
    expect([...config.catalog.routes.keys()]).toEqual(['chat']);
    // The optimiser defaults: the route named auto, the baseline worked out from it.
    expect(config.optimizer).toEqual({ route: 'auto' });
  });

  it('keeps the optimiser route and baseline it names', () => {
    const config = parseConfig(lines(...PROVIDER, ...DEPLOYMENT, ...ROUTE, 'optimizer: { route: chat, baseline: mini }'), { file: 'junction.yaml', env: {} });
    expect(config.optimizer).toEqual({ route: 'chat', baseline: 'mini' });
  });
});

describe('each class of mistake is reported at its place with a precise message', () => {
  it.each<{ name: string; text: string; env?: Record<string, string>; issue: Omit<ConfigIssue, 'file'> }>([
    {
      name: 'unknown key, with a suggestion',
      text: lines(...PROVIDER, '    baseURL: https://api.openai.com/v1', ...DEPLOYMENT, ...ROUTE),
      issue: { line: 5, column: 5, path: 'providers.openai.baseURL', message: 'unknown key "baseURL"; did you mean "baseUrl"?' },
    },
    {
      name: 'unknown top-level key, with a suggestion',
      text: lines('loging: { level: info }', ...PROVIDER, ...DEPLOYMENT, ...ROUTE),
      issue: { line: 1, column: 1, path: 'loging', message: 'unknown key "loging"; did you mean "logging"?' },
    },
    {
      name: 'unknown key with nothing close, listing the known keys',
      text: lines(...PROVIDER, ...DEPLOYMENT, ...ROUTE, '    colour: blue'),
      issue: {
        line: 14,
        column: 5,
        path: 'routes.chat.colour',
        message: 'unknown key "colour"; expected one of description, deployments, secondary, emergency, local, static, strategy, strategyOptions, retry, attemptTimeoutMs, firstByteTimeoutMs, timeoutMs, hedge, streamResume, cache, speech, breaker, overrides, limits, budgets, downgradeTo, concurrency',
      },
    },
    {
      name: 'an optimiser route that does not exist, with a suggestion',
      text: lines(...PROVIDER, ...DEPLOYMENT, ...ROUTE, 'optimizer:', '  route: chta'),
      issue: { line: 15, column: 10, path: 'optimizer.route', message: 'unknown route "chta"; did you mean "chat"?' },
    },
    {
      name: 'an optimiser baseline that is no deployment, listing those defined',
      text: lines(...PROVIDER, ...DEPLOYMENT, ...ROUTE, 'optimizer:', '  baseline: gpt-5'),
      issue: { line: 15, column: 13, path: 'optimizer.baseline', message: 'unknown deployment "gpt-5"; defined: mini' },
    },
    {
      name: 'shared state in Redis without a URL',
      text: lines('state:', '  kind: redis', ...PROVIDER, ...DEPLOYMENT, ...ROUTE),
      issue: { line: 1, column: 1, path: 'state.url', message: 'missing required key; expected a redis:// URL when kind is redis, such as redis://127.0.0.1:6379' },
    },
    {
      name: 'shared state at a URL that is not Redis',
      text: lines('state: { kind: redis, url: "http://127.0.0.1:6379" }', ...PROVIDER, ...DEPLOYMENT, ...ROUTE),
      issue: { line: 1, column: 28, path: 'state.url', message: 'expected a redis:// or rediss:// URL such as redis://127.0.0.1:6379, got "http://127.0.0.1:6379"' },
    },
    {
      name: 'wrong type',
      text: lines(...PROVIDER, ...DEPLOYMENT.slice(0, 5), '    contextWindow: lots', ...ROUTE),
      issue: { line: 10, column: 20, path: 'deployments.mini.contextWindow', message: 'expected a number, got "lots"' },
    },
    {
      name: 'fraction where a whole number is needed',
      text: lines('server:', '  port: 4000.5', ...PROVIDER, ...DEPLOYMENT, ...ROUTE),
      issue: { line: 2, column: 9, path: 'server.port', message: 'expected a whole number, got 4000.5' },
    },
    {
      name: 'wrong enum value',
      text: lines('providers:', '  openai:', '    kind: openia', ...DEPLOYMENT, ...ROUTE),
      issue: {
        line: 3,
        column: 11,
        path: 'providers.openai.kind',
        message: 'expected one of openai, anthropic, gemini, openai-compatible, got "openia"',
      },
    },
    {
      name: 'missing required key, pointing at the parent',
      text: lines(...PROVIDER, 'deployments:', '  mini:', '    provider: openai', '    pricing: { input: 0.15, output: 0.6 }', '    contextWindow: 128000', ...ROUTE),
      issue: { line: 6, column: 3, path: 'deployments.mini.model', message: 'missing required key; expected a string' },
    },
    {
      name: 'missing enum key',
      text: lines('providers:', '  openai:', '    apiKey: sk-test', ...DEPLOYMENT, ...ROUTE),
      issue: {
        line: 2,
        column: 3,
        path: 'providers.openai.kind',
        message: 'missing required key; expected one of openai, anthropic, gemini, openai-compatible',
      },
    },
    {
      name: 'negative price',
      text: lines(...PROVIDER, ...DEPLOYMENT.slice(0, 4), '    pricing: { input: -1, output: 0.6 }', '    contextWindow: 128000', ...ROUTE),
      issue: { line: 9, column: 23, path: 'deployments.mini.pricing.input', message: 'expected a number >= 0, got -1' },
    },
    {
      name: 'bad URL',
      text: lines(...PROVIDER, '    baseUrl: api.openai.com', ...DEPLOYMENT, ...ROUTE),
      issue: {
        line: 5,
        column: 14,
        path: 'providers.openai.baseUrl',
        message: 'expected an http:// or https:// URL such as https://api.example.com/v1, got "api.openai.com"',
      },
    },
    {
      name: 'URL with another scheme',
      text: lines(...PROVIDER, '    baseUrl: ftp://example.com/v1', ...DEPLOYMENT, ...ROUTE),
      issue: {
        line: 5,
        column: 14,
        path: 'providers.openai.baseUrl',
        message: 'expected an http:// or https:// URL such as https://api.example.com/v1, got "ftp://example.com/v1"',
      },
    },
    {
      name: 'missing environment variable',
      text: lines('providers:', '  openai:', '    kind: openai', '    apiKey: ${OPENAI_API_KEY}', ...DEPLOYMENT, ...ROUTE),
      issue: {
        line: 4,
        column: 13,
        path: 'providers.openai.apiKey',
        message: 'environment variable OPENAI_API_KEY is not set (write ${OPENAI_API_KEY:-default} to give a default)',
      },
    },
    {
      name: 'unknown provider reference',
      text: lines(...PROVIDER, 'deployments:', '  mini:', '    provider: opnai', ...DEPLOYMENT.slice(3), ...ROUTE),
      issue: { line: 7, column: 15, path: 'deployments.mini.provider', message: 'unknown provider "opnai"; did you mean "openai"?' },
    },
    {
      name: 'unknown provider reference with nothing close',
      text: lines(...PROVIDER, 'deployments:', '  mini:', '    provider: azure', ...DEPLOYMENT.slice(3), ...ROUTE),
      issue: { line: 7, column: 15, path: 'deployments.mini.provider', message: 'unknown provider "azure"; defined providers: openai' },
    },
    {
      name: 'unknown deployment in a route',
      text: lines(...PROVIDER, ...DEPLOYMENT, 'routes:', '  chat:', '    deployments: [mini, mnii]'),
      issue: { line: 13, column: 25, path: 'routes.chat.deployments[1]', message: 'unknown deployment "mnii"; did you mean "mini"?' },
    },
    {
      name: 'duplicate deployment in a route',
      text: lines(...PROVIDER, ...DEPLOYMENT, 'routes:', '  chat:', '    deployments:', '      - mini', '      - mini'),
      issue: { line: 15, column: 9, path: 'routes.chat.deployments[1]', message: 'deployment "mini" is listed twice (first at deployments[0])' },
    },
    {
      name: 'a route with no deployments',
      text: lines(...PROVIDER, ...DEPLOYMENT, 'routes:', '  chat:', '    deployments: []'),
      issue: { line: 13, column: 18, path: 'routes.chat.deployments', message: 'expected at least 1 entry, got an empty list' },
    },
    {
      name: 'no routes at all',
      text: lines(...PROVIDER, ...DEPLOYMENT, 'routes: {}'),
      issue: { line: 11, column: 9, path: 'routes', message: 'expected at least one route, got none' },
    },
    {
      name: 'embeddings-only and chat deployments in one route',
      text: lines(
        ...PROVIDER,
        ...DEPLOYMENT,
        '  embed:',
        '    provider: openai',
        '    model: text-embedding-3-small',
        '    pricing: { input: 0.02, output: 0 }',
        '    contextWindow: 8191',
        '    capabilities: [embeddings]',
        'routes:',
        '  chat:',
        '    deployments: [mini, embed]',
      ),
      issue: {
        line: 19,
        column: 18,
        path: 'routes.chat.deployments',
        message:
          'expected deployments of one kind, got embeddings-only deployments (embed) mixed with chat deployments (mini); split them into separate routes',
      },
    },
    {
      name: 'embeddings on an anthropic provider',
      text: lines(
        'providers:',
        '  claude:',
        '    kind: anthropic',
        'deployments:',
        '  embed:',
        '    provider: claude',
        '    model: voyage-3',
        '    pricing: { input: 0.06, output: 0 }',
        '    contextWindow: 32000',
        '    capabilities: [embeddings]',
        'routes:',
        '  embeddings:',
        '    deployments: [embed]',
      ),
      issue: {
        line: 10,
        column: 20,
        path: 'deployments.embed.capabilities[0]',
        message: 'Anthropic has no embeddings API, so provider "claude" (kind anthropic) cannot host an embeddings deployment',
      },
    },
    {
      name: 'preset on a provider that is not openai-compatible',
      text: lines(...PROVIDER, '    preset: vllm', ...DEPLOYMENT, ...ROUTE),
      issue: {
        line: 5,
        column: 13,
        path: 'providers.openai.preset',
        message: 'expected no preset: presets apply only to kind openai-compatible, got kind "openai"',
      },
    },
    {
      name: 'openai-compatible provider without a baseUrl',
      text: lines('providers:', '  openai:', '    kind: openai-compatible', '    preset: vllm', ...DEPLOYMENT, ...ROUTE),
      issue: {
        line: 2,
        column: 3,
        path: 'providers.openai.baseUrl',
        message: 'missing required key; kind openai-compatible needs a baseUrl such as http://localhost:8000/v1',
      },
    },
    {
      name: 'YAML syntax error',
      text: lines('providers:', '  openai:', '    kind: openai: extra', ...DEPLOYMENT, ...ROUTE),
      issue: { line: 3, column: 11, path: '', message: 'YAML syntax error: Nested mappings are not allowed in compact mappings' },
    },
    {
      name: 'duplicate YAML key',
      text: lines(...PROVIDER, '    kind: anthropic', ...DEPLOYMENT, ...ROUTE),
      issue: { line: 5, column: 5, path: 'providers.openai.kind', message: 'duplicate key "kind" (first defined on line 3)' },
    },
    {
      name: 'misspelt simulator behaviour knob',
      text: lines('simulator:', '  models:', '    gpt-4o-mini:', '      errorRate: { 500: 0.3 }', ...PROVIDER, ...DEPLOYMENT, ...ROUTE),
      issue: {
        line: 4,
        column: 7,
        path: 'simulator.models.gpt-4o-mini.errorRate',
        message: 'unknown key "errorRate"; did you mean "errorRates"?',
      },
    },
    {
      name: 'simulator latency with p99 below p50',
      text: lines('simulator:', '  defaults:', '    latencyMs: { p50: 200, p99: 100 }', ...PROVIDER, ...DEPLOYMENT, ...ROUTE),
      issue: { line: 3, column: 33, path: 'simulator.defaults.latencyMs.p99', message: 'expected p99 to be at least p50, got 100' },
    },
    {
      name: 'simulator error rate that is not a status code',
      text: lines('simulator:', '  defaults:', '    errorRates: { oops: 0.3 }', ...PROVIDER, ...DEPLOYMENT, ...ROUTE),
      issue: {
        line: 3,
        column: 19,
        path: 'simulator.defaults.errorRates.oops',
        message: 'expected an HTTP error status code (400-599), got key "oops"',
      },
    },
    {
      // Node refuses to start a server whose headers timeout exceeds its request timeout.
      name: 'headers timeout longer than the whole request timeout',
      text: lines('server:', '  headersTimeoutMs: 5000', '  requestBodyTimeoutMs: 1000', ...PROVIDER, ...DEPLOYMENT, ...ROUTE),
      issue: { line: 2, column: 21, path: 'server.headersTimeoutMs', message: 'expected headersTimeoutMs to be at most requestBodyTimeoutMs (the headers are part of the request), got 5000' },
    },
    {
      name: 'route name with a space',
      text: lines(...PROVIDER, ...DEPLOYMENT, 'routes:', '  my chat:', '    deployments: [mini]'),
      issue: { line: 12, column: 3, path: 'routes["my chat"]', message: `${HEADER_NAME}, got key "my chat"` },
    },
    {
      // Sent back in x-junction-route, where Node refuses any character above U+00FF.
      name: 'route name that cannot go in a header',
      text: lines(...PROVIDER, ...DEPLOYMENT, 'routes:', '  "chat-😀":', '    deployments: [mini]'),
      issue: { line: 12, column: 3, path: 'routes["chat-😀"]', message: `${HEADER_NAME}, got key "chat-😀"` },
    },
    {
      name: 'route name longer than 128 characters',
      text: lines(...PROVIDER, ...DEPLOYMENT, 'routes:', `  ${'r'.repeat(129)}:`, '    deployments: [mini]'),
      issue: { line: 12, column: 3, path: `routes.${'r'.repeat(129)}`, message: `${HEADER_NAME}, got key "${'r'.repeat(129)}"` },
    },
    {
      name: 'an empty section',
      text: lines('providers:', ...DEPLOYMENT, ...ROUTE),
      issue: { line: 1, column: 1, path: 'providers', message: 'expected a mapping, got an empty value' },
    },
    {
      // The value may be a real key with a typo: it is named by its reference, never shown.
      name: 'a config key that is not a virtual key, from the environment',
      text: lines('auth:', '  keys:', '    - { id: ci, key: "${CI_KEY}" }', ...PROVIDER, ...DEPLOYMENT, ...ROUTE),
      env: { CI_KEY: 'sk-not-a-junction-key' },
      issue: { line: 3, column: 22, path: 'auth.keys[0].key', message: "expected a virtual key: jk- followed by 43 letters and digits (as 'junction keys generate' makes), got the value of \"${CI_KEY}\" (not shown)" },
    },
    {
      // Both would draw on one counter (the team's monthly spend), twice.
      name: 'two budgets of one period',
      text: lines('auth:', '  teams:', '    eng:', '      budgets: [{ usd: 100, period: month }, { usd: 50, period: month }]', ...PROVIDER, ...DEPLOYMENT, ...ROUTE),
      issue: { line: 4, column: 65, path: 'auth.teams.eng.budgets[1].period', message: 'expected a period no other budget in this list has (one budget per period), got "month"' },
    },
  ])('$name', ({ text, env, issue }) => {
    expect(issuesOf(text, env)).toEqual([{ file: 'junction.yaml', ...issue }]);
  });
});

describe('reporting', () => {
  it('reports every issue at once, in source order', () => {
    const text = lines(
      'server:',
      '  port: high',
      'providers:',
      '  openai:',
      '    kind: openia',
      '    timeout: 5',
      ...DEPLOYMENT.slice(0, 4),
      '    pricing: { input: -1, output: 0.6 }',
      '    contextWindow: 128000',
      ...ROUTE,
    );
    const issues = issuesOf(text);
    expect(issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}`)).toEqual([
      '2:9 server.port',
      '5:11 providers.openai.kind',
      '6:5 providers.openai.timeout',
      '11:23 deployments.mini.pricing.input',
    ]);
    expect(issues[2].message).toBe('unknown key "timeout"; did you mean "timeoutMs"?');
  });

  it('formats issues as file:line:column: path: message', () => {
    const text = lines('providers:', '  openai:', '    kind: openia', ...DEPLOYMENT, ...ROUTE);
    expect(() => parseConfig(text, { file: 'junction.yaml', env: {} })).toThrow(
      'junction.yaml:3:11: providers.openai.kind: expected one of openai, anthropic, gemini, openai-compatible, got "openia"',
    );
  });

  it.each([
    [{ file: 'a.yaml', line: 3, column: 5, path: 'routes', message: 'm' }, 'a.yaml:3:5: routes: m'],
    [{ file: 'a.yaml', line: 1, column: 1, path: '', message: 'm' }, 'a.yaml:1:1: m'],
    [{ file: '<object>', path: 'routes.chat', message: 'm' }, '<object>: routes.chat: m'],
  ])('formats %o as %s', (issue, expected) => {
    expect(formatConfigIssues([issue])).toBe(expected);
  });

  it('reports only the first of a cascade of YAML syntax errors', () => {
    const issues = issuesOf(lines('providers:', '  openai: { kind: openai, apiKey: ${KEY} }', ...DEPLOYMENT, ...ROUTE));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 2, path: '' });
    expect(issues[0].message).toContain('put values like ${VAR} in quotes');
  });

  it('rejects an empty file', () => {
    expect(issuesOf('# nothing here\n')).toEqual([
      { file: 'junction.yaml', line: 1, column: 1, path: '', message: 'expected a mapping with providers, deployments and routes, got an empty file' },
    ]);
  });

  it('points issues inside a duplicated key at the occurrence that was used', () => {
    const text = lines(...PROVIDER, ...DEPLOYMENT, '  mini:', '    provider: openai', '    model: gpt-4o-mini', ...ROUTE);
    const issues = issuesOf(text);
    expect(issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}`)).toEqual([
      '11:3 deployments.mini',
      '11:3 deployments.mini.pricing',
      '11:3 deployments.mini.contextWindow',
    ]);
  });

  it('never prints a value that sits where secrets live', () => {
    const text = lines('providers:', '  openai:', '    kind: openai', '    apiKey: 123456789', '    headers: { x-token: 987654321 }', ...DEPLOYMENT, ...ROUTE);
    const issues = issuesOf(text);
    expect(issues.map((issue) => issue.message)).toEqual([
      'expected a string, got a number (not shown)',
      'expected a string, got a number (not shown)',
    ]);
    expect(JSON.stringify(issues)).not.toMatch(/123456789|987654321/);
  });
});
