import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { configFromObject } from './config-from-object';

const tts = (overrides: Record<string, unknown> = {}) => ({
  provider: 'openai',
  model: 'tts-1',
  pricing: { input: 15, output: 0 },
  contextWindow: 4_096,
  capabilities: ['speech'],
  speech: { voices: ['alloy', 'echo'], languages: ['en', 'fr-CA'] },
  ...overrides,
});

function load(deployments: Record<string, unknown>, routes: Record<string, unknown>) {
  return configFromObject({
    providers: { openai: { kind: 'openai', apiKey: 'sk-test' }, anthropic: { kind: 'anthropic', apiKey: 'sk-test' } },
    deployments: { chat: { provider: 'openai', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 }, contextWindow: 128_000 }, ...deployments },
    routes,
  });
}

function issues(deployments: Record<string, unknown>, routes: Record<string, unknown>): string[] {
  try {
    load(deployments, routes);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('speech config', () => {
  it('builds deployment profiles with defaults and route policies', () => {
    const config = load({ tts: tts() }, { tts: { deployments: ['tts'], speech: { voiceFallbacks: { nova: ['alloy'] }, tier: 'standard' } } });
    expect(config.catalog.deployments.get('tts')?.speech).toEqual({ voices: ['alloy', 'echo'], languages: ['en', 'fr'], tier: 'standard', latencyMs: 500, formats: ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] });
    expect(config.catalog.routes.get('tts')?.speech).toEqual({ voiceFallbacks: { nova: ['alloy'] }, tier: 'standard' });
  });

  it.each([
    ['the speech capability without a speech section', { tts: tts({ speech: undefined }) }, { tts: { deployments: ['tts'] } }, 'deployments.tts.speech: missing required key'],
    ['a speech section without the capability', { tts: tts({ capabilities: ['chat'] }) }, { tts: { deployments: ['tts'] } }, 'deployments.tts.capabilities: expected the speech capability'],
    ['a provider with no speech API', { tts: tts({ provider: 'anthropic' }) }, { tts: { deployments: ['tts'] } }, 'which has no speech API'],
    ['speech mixed with chat on one route', { tts: tts() }, { mixed: { deployments: ['tts', 'chat'] } }, 'mixed with others (chat)'],
    ['a fallback voice no deployment has', { tts: tts() }, { tts: { deployments: ['tts'], speech: { voiceFallbacks: { nova: ['alloy', 'marvin'] } } } }, 'routes.tts.speech.voiceFallbacks.nova[1]: unknown voice "marvin"'],
    ['a speech section on a chat route', {}, { chat: { deployments: ['chat'], speech: {} } }, 'routes.chat.speech: expected speech deployments'],
    ['a language that is no code', { tts: tts({ speech: { voices: ['alloy'], languages: ['English'] } }) }, { tts: { deployments: ['tts'] } }, 'expected a language code'],
  ])('refuses %s', (_name, deployments, routes, expected) => {
    expect(issues(deployments, routes).join('\n')).toContain(expected);
  });
});
