import { describe, expect, it } from 'vitest';
import type { Catalog, Route, Tier } from './catalog';
import type { HealthSnapshot } from './health';
import { planSpeech, type SpeechNeeds } from './speech-plan';
import type { SpeechProfile } from './speech-types';
import { candidate, healthSnapshot, seededRandom, testRoute } from './strategies/__fixtures__/strategy-fixtures';
import { newRouteStrategyState } from './strategies/types';

const NOW = 1_700_000_000_000;

const PROFILES: Record<string, Partial<SpeechProfile>> = {
  hd: { languages: ['en', 'fr', 'es'], voices: ['alloy', 'nova', 'shimmer'], tier: 'hd', latencyMs: 900 },
  std: { languages: ['en', 'fr'], voices: ['alloy', 'echo'], tier: 'standard', latencyMs: 300 },
  de: { languages: ['de'], voices: ['alloy'], tier: 'standard', latencyMs: 400 },
  any: { languages: ['*'], voices: ['onyx'], tier: 'standard', latencyMs: 200 },
  mp3: { languages: ['*'], voices: ['alloy'], tier: 'hd', latencyMs: 250, formats: ['mp3'] },
};

function catalogOf(ids: string[]): Catalog {
  const catalog: Catalog = { providers: new Map(), deployments: new Map(), routes: new Map() };
  for (const id of ids) {
    const profile: SpeechProfile = { languages: ['*'], voices: ['alloy'], tier: 'standard', latencyMs: 500, formats: ['wav', 'pcm'], ...PROFILES[id] };
    const { deployment, provider } = candidate(id, { capabilities: ['speech'], contextWindow: 4_096, speech: profile });
    catalog.deployments.set(id, deployment);
    catalog.providers.set(provider.id, provider);
  }
  return catalog;
}

function route(tiers: Tier[], overrides: Partial<Route> = {}): Route {
  return testRoute(tiers, { name: 'tts', speech: { voiceFallbacks: { echo: ['alloy'], nova: ['shimmer', 'alloy'] } }, ...overrides });
}

function plan(speech: Partial<SpeechNeeds>, options: { ids?: string[]; tiers?: Tier[]; health?: Record<string, Partial<HealthSnapshot>>; route?: Partial<Route> } = {}) {
  const ids = options.ids ?? ['hd', 'std', 'de'];
  const tiers = options.tiers ?? [{ name: 'primary', deployments: ids }];
  return planSpeech({
    route: route(tiers, options.route),
    catalog: catalogOf(tiers.flatMap((tier) => tier.deployments)),
    speech: { voice: 'alloy', format: 'wav', realtime: false, characters: 20, ...speech },
    health: (id) => healthSnapshot(id, options.health?.[id]),
    request: { estimatedInputTokens: 20 },
    state: newRouteStrategyState(),
    random: seededRandom(1),
    now: NOW,
  });
}

const order = (result: ReturnType<typeof plan>) => result.attempts.map((attempt) => attempt.deployment.id);

describe('planSpeech', () => {
  it.each([
    ['en', ['hd', 'std']],
    ['fr', ['hd', 'std']],
    ['es', ['hd']],
    ['de', ['de']],
    [undefined, ['hd', 'std', 'de']],
  ])('language %s: only deployments that speak it', (language, expected) => {
    const result = plan(language === undefined ? {} : { language });
    expect(order(result)).toEqual(expected);
    if (language === 'es') expect(result.excluded).toContainEqual({ deployment: 'std', tier: 'primary', reason: 'does not speak es (speaks en, fr)' });
  });

  it('a deployment for any language (*) serves every language', () => {
    expect(order(plan({ language: 'ja', voice: 'onyx' }, { ids: ['hd', 'any'] }))).toEqual(['any']);
  });

  it('voice: the requested voice first, then deployments that have a fallback for it, each with its voice', () => {
    const result = plan({ voice: 'echo' });
    expect(order(result)).toEqual(['std', 'hd', 'de']);
    expect(Object.fromEntries(result.voices)).toEqual({ std: 'echo', hd: 'alloy', de: 'alloy' });
    expect(result.reason).toContain('fallback voices: hd speaks alloy, de speaks alloy');
  });

  it('voice fallbacks are tried in the route’s order', () => {
    const result = plan({ voice: 'nova' }, { ids: ['std', 'hd'] });
    expect(Object.fromEntries(result.voices)).toEqual({ hd: 'nova', std: 'alloy' });
    expect(order(result)).toEqual(['hd', 'std']);
  });

  it('a voice neither a deployment nor a fallback covers rules it out, saying which', () => {
    const result = plan({ voice: 'onyx' }, { ids: ['any', 'std'] });
    expect(order(result)).toEqual(['any']);
    expect(result.excluded).toContainEqual({ deployment: 'std', tier: 'primary', reason: 'has no voice onyx' });
  });

  it('tier: hd rules out standard voices; standard takes either; the route’s default applies when the request says nothing', () => {
    expect(order(plan({ tier: 'hd' }))).toEqual(['hd']);
    expect(order(plan({ tier: 'standard' }))).toEqual(['hd', 'std', 'de']);
    expect(order(plan({}, { route: { speech: { voiceFallbacks: {}, tier: 'hd' } } }))).toEqual(['hd']);
  });

  it('realtime: fastest adequate first across tiers, by configured latency until there are live figures', () => {
    const tiers: Tier[] = [
      { name: 'primary', deployments: ['hd'] },
      { name: 'secondary', deployments: ['de', 'std'] },
    ];
    expect(order(plan({ realtime: false }, { tiers }))).toEqual(['hd', 'de', 'std']);
    const fast = plan({ realtime: true }, { tiers });
    expect(order(fast)).toEqual(['std', 'de', 'hd']);
    expect(fast.reason).toContain('realtime, fastest first: std ~300 ms, de ~400 ms, hd ~900 ms');
    // Observed latency outranks the configured figure once there are enough samples; one slow first request does not.
    expect(order(plan({ realtime: true }, { tiers, health: { hd: { latencyMs: 120, windowRequests: 5 } } }))).toEqual(['hd', 'std', 'de']);
    expect(order(plan({ realtime: true }, { tiers, health: { std: { latencyMs: 2_000, windowRequests: 1 } } }))).toEqual(['std', 'de', 'hd']);
  });

  it('realtime still tries an unhealthy deployment only after the healthy ones', () => {
    const open = { breaker: { status: 'open' as const, trips: 1, probesInFlight: 0, retryAt: NOW + 60_000 } };
    expect(order(plan({ realtime: true }, { health: { std: open } }))).toEqual(['de', 'hd', 'std']);
  });

  it('format: a deployment that cannot produce it is ruled out; none can: audio_format_unsupported naming what the route serves', () => {
    expect(order(plan({ format: 'mp3' }, { ids: ['mp3', 'hd'] }))).toEqual(['mp3']);
    expect(() => plan({ format: 'mp3' })).toThrow(expect.objectContaining({ code: 'audio_format_unsupported', message: "The model 'tts' cannot produce mp3 audio; it serves wav and pcm" }));
  });

  it('nothing adequate for another reason: capability_unsupported listing why each was ruled out', () => {
    expect(() => plan({ voice: 'marvin', language: 'en' })).toThrow(
      expect.objectContaining({ code: 'capability_unsupported', message: expect.stringContaining('hd has no voice marvin; std has no voice marvin; de does not speak en') }),
    );
  });

  it('honours the caller’s exclusions and the route’s strategy among adequate deployments', () => {
    const result = planSpeech({
      route: route([{ name: 'primary', deployments: ['hd', 'std'] }]),
      catalog: catalogOf(['hd', 'std']),
      speech: { voice: 'alloy', format: 'wav', realtime: false, characters: 5 },
      health: (id) => healthSnapshot(id),
      request: { estimatedInputTokens: 5 },
      state: newRouteStrategyState(),
      random: seededRandom(1),
      now: NOW,
      overrides: { exclude: ['hd'] },
    });
    expect(order(result)).toEqual(['std']);
    expect(result.excluded).toContainEqual({ deployment: 'hd', tier: 'primary', reason: 'excluded by the request' });
  });
});
