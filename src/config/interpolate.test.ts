import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './index';
import { interpolateString } from './interpolate';

const lines = (...rows: string[]) => rows.join('\n') + '\n';
const CATALOG = [
  'providers:',
  '  openai:',
  '    kind: openai',
  '    apiKey: ${OPENAI_API_KEY:-}',
  'deployments:',
  '  mini:',
  '    provider: openai',
  '    model: gpt-4o-mini',
  '    pricing: { input: 0.15, output: 0.6 }',
  '    contextWindow: 128000',
  'routes:',
  '  chat:',
  '    deployments: [mini]',
];

function parse(text: string, env: Record<string, string | undefined>) {
  return parseConfig(text, { file: 'junction.yaml', env });
}

function messagesOf(text: string, env: Record<string, string | undefined>): string[] {
  try {
    parse(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('interpolateString', () => {
  const env = { HOST: 'example.com', EMPTY: '', PORT: '8080' };

  it.each([
    ['plain text', 'plain text'],
    ['${HOST}', 'example.com'],
    ['https://${HOST}:${PORT}/v1', 'https://example.com:8080/v1'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${MISSING:-}', ''],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY}', ''],
    ['${HOST:-fallback}', 'example.com'],
    ['${MISSING:-a:b/c d}', 'a:b/c d'],
    ['$${HOST}', '${HOST}'],
    ['cost: $5', 'cost: $5'],
  ])('%s → %s', (template, expected) => {
    expect(interpolateString(template, env)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['${MISSING}', 'environment variable MISSING is not set (write ${MISSING:-default} to give a default)'],
    ['${1ABC}', 'invalid reference "${1ABC}": expected ${NAME} or ${NAME:-default}'],
    ['${}', 'invalid reference "${}": expected ${NAME} or ${NAME:-default}'],
    ['${HOST', 'unterminated "${": expected ${NAME} or ${NAME:-default}'],
  ])('%s is an error', (template, message) => {
    expect(interpolateString(template, env)).toEqual({ ok: false, message });
  });
});

describe('environment interpolation in a config', () => {
  it('fills strings from the environment', () => {
    const config = parse(lines(...CATALOG), { OPENAI_API_KEY: 'sk-from-env' });
    expect(config.catalog.providers.get('openai')?.apiKey).toBe('sk-from-env');
  });

  it('treats an empty key as no key', () => {
    const config = parse(lines(...CATALOG), {});
    expect(config.catalog.providers.get('openai')?.apiKey).toBeUndefined();
  });

  it.each([
    [{}, 4000],
    [{ PORT: '4100' }, 4100],
    [{ PORT: ' 4200 ' }, 4200],
  ])('coerces a numeric interpolated value for a number field (env %o → port %d)', (env, port) => {
    const config = parse(lines('server:', '  port: ${PORT:-4000}', ...CATALOG), env);
    expect(config.server.port).toBe(port);
  });

  it('coerces numbers deep inside records (simulator behaviour)', () => {
    const text = lines('simulator:', '  models:', '    gpt-4o-mini:', '      errorRates: { 500: "${FLAKY:-0.3}" }', '      down: ${DOWN:-false}', ...CATALOG);
    const config = parse(text, { DOWN: 'true' });
    expect(config.simulator?.models['gpt-4o-mini']).toEqual({ errorRates: { '500': 0.3 }, down: true });
  });

  it('keeps a quoted number written in the file a string, and so an error', () => {
    expect(messagesOf(lines('server:', '  port: "4000"', ...CATALOG), {})).toEqual(['server.port: expected a number, got "4000"']);
  });

  it('keeps numeric-looking values strings where the schema wants a string', () => {
    const config = parse(lines(...CATALOG), { OPENAI_API_KEY: '12345' });
    expect(config.catalog.providers.get('openai')?.apiKey).toBe('12345');
  });

  it('rejects a non-numeric value for a number field without printing it', () => {
    const messages = messagesOf(lines('server:', '  port: ${PORT}', ...CATALOG), { PORT: 'hunter2-secret' });
    expect(messages).toEqual(['server.port: expected a number, got the value of "${PORT}" (not shown)']);
    expect(messages.join('\n')).not.toContain('hunter2-secret');
  });

  it('cannot inject YAML structure through a value', () => {
    const injected = 'gpt-4o\nkind: anthropic\n  extra: { a: 1 }';
    const text = lines(...CATALOG).replace('model: gpt-4o-mini', 'model: ${MODEL}');
    const config = parse(text, { MODEL: injected });
    expect(config.catalog.deployments.get('mini')?.model).toBe(injected);
    expect(config.catalog.providers.get('openai')?.kind).toBe('openai');
  });

  it('does not interpolate keys', () => {
    const text = lines(...CATALOG, '  ${NAME}:', '    deployments: [mini]');
    const config = parse(text, { NAME: 'renamed' });
    expect([...config.catalog.routes.keys()]).toEqual(['chat', '${NAME}']);
  });

  it('reports every missing variable with its path and never a secret value', () => {
    const text = lines(
      'server:',
      '  host: ${HOST}',
      'providers:',
      '  openai:',
      '    kind: openai',
      '    apiKey: ${OPENAI_API_KEY}',
      '    headers: { x-org: "${ORG}" }',
      ...CATALOG.slice(4),
    );
    const env = { OPENAI_API_KEY: 'sk-live-do-not-print' };
    let error: unknown;
    try {
      parse(text, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.issues.map((issue) => [issue.line, issue.path])).toEqual([
      [2, 'server.host'],
      [7, 'providers.openai.headers.x-org'],
    ]);
    expect(configError.message).toContain('environment variable HOST is not set');
    expect(configError.message).toContain('environment variable ORG is not set');
    expect(configError.message).not.toContain('sk-live-do-not-print');
  });

  it('does not repeat a failed interpolation as a type error', () => {
    expect(messagesOf(lines('server:', '  port: ${PORT}', ...CATALOG), {})).toEqual([
      'server.port: environment variable PORT is not set (write ${PORT:-default} to give a default)',
    ]);
  });
});

describe('references taken from the environment', () => {
  it('are quoted by their template, not their value', () => {
    const text = lines(...CATALOG).replace('provider: openai', 'provider: ${PROVIDER}');
    expect(messagesOf(text, { PROVIDER: 'private-provider-name' })).toEqual([
      'deployments.mini.provider: unknown provider the value of "${PROVIDER}"; defined providers: openai',
    ]);
  });
});
