import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HealthSnapshot } from './health';
import type { Catalog, Route, Tier } from './catalog';
import { planRoute, type PlanInput } from './plan';
import { candidate, healthSnapshot, seededRandom, testRoute } from './strategies/__fixtures__/strategy-fixtures';
import { newRouteStrategyState, STRATEGY_NAMES } from './strategies/types';

const NOW = 1_700_000_000_000;

const route = testRoute;

function catalogOf(ids: string[], contextWindows: Record<string, number> = {}, capabilities: Record<string, string[]> = {}): Catalog {
  const catalog: Catalog = { providers: new Map(), deployments: new Map(), routes: new Map() };
  for (const id of ids) {
    const { deployment, provider } = candidate(id, {
      ...(contextWindows[id] ? { contextWindow: contextWindows[id] } : {}),
      ...(capabilities[id] ? { capabilities: capabilities[id] as never } : {}),
    });
    catalog.deployments.set(id, deployment);
    catalog.providers.set(provider.id, provider);
  }
  return catalog;
}

function input(routeDef: Route, catalog: Catalog, health: Record<string, Partial<HealthSnapshot>> = {}, extra: Partial<PlanInput> = {}): PlanInput {
  return {
    route: routeDef,
    catalog,
    needs: { capabilities: ['chat'], estimatedInputTokens: 100 },
    health: (id) => healthSnapshot(id, health[id]),
    request: { estimatedInputTokens: 100 },
    state: newRouteStrategyState(),
    random: seededRandom(1),
    now: NOW,
    ...extra,
  };
}

const open = { breaker: { status: 'open' as const, trips: 1, openedAt: NOW - 1_000, retryAt: NOW + 5_000, probesInFlight: 0 } };
const ids = (plan: ReturnType<typeof planRoute>) => plan.attempts.map((attempt) => `${attempt.deployment.id}:${attempt.tier}`);

describe('planRoute', () => {
  it('walks the tiers in order: primary, secondary, emergency, local', () => {
    const tiers: Tier[] = [
      { name: 'primary', deployments: ['a', 'b'] },
      { name: 'secondary', deployments: ['c'] },
      { name: 'emergency', deployments: ['d'] },
      { name: 'local', deployments: ['e'] },
    ];
    const plan = planRoute(input(route(tiers), catalogOf(['a', 'b', 'c', 'd', 'e'])));
    expect(ids(plan)).toEqual(['a:primary', 'b:primary', 'c:secondary', 'd:emergency', 'e:local']);
    expect(plan.reason).toContain('primary:');
    expect(plan.reason).toContain('local:');
  });

  it.each([
    ['breaker open', open, 'breaker open'],
    ['rate-limited', { coolingDownUntil: NOW + 10_000 }, 'rate-limited'],
    ['misconfigured', { misconfigured: true }, 'credentials refused'],
  ])('puts a %s deployment after every healthy one, as a last resort', (_name, health, note) => {
    const tiers: Tier[] = [
      { name: 'primary', deployments: ['a', 'b'] },
      { name: 'local', deployments: ['c'] },
    ];
    const plan = planRoute(input(route(tiers), catalogOf(['a', 'b', 'c']), { a: health }));
    expect(ids(plan)).toEqual(['b:primary', 'c:local', 'a:last-resort']);
    expect(plan.attempts[2].note).toContain(note);
  });

  it('plans a breaker past its retry time normally (it may take a probe)', () => {
    const plan = planRoute(input(route([{ name: 'primary', deployments: ['a', 'b'] }]), catalogOf(['a', 'b']), { a: { breaker: { ...open.breaker, retryAt: NOW - 1 } } }));
    expect(ids(plan)).toEqual(['a:primary', 'b:primary']);
  });

  it.each([
    ['a capability', { capabilities: ['chat', 'tools'] as never, estimatedInputTokens: 10 }, 'lacks tools'],
    ['context window', { capabilities: ['chat'] as never, estimatedInputTokens: 50_000 }, 'context window 8000'],
  ])('excludes deployments lacking %s, with the reason', (_name, needs, reason) => {
    const catalog = catalogOf(['small', 'big'], { small: 8_000 }, { small: ['chat'], big: ['chat', 'tools'] });
    const plan = planRoute(input(route([{ name: 'primary', deployments: ['small', 'big'] }]), catalog, {}, { needs }));
    expect(ids(plan)).toEqual(['big:primary']);
    expect(plan.excluded).toEqual([{ deployment: 'small', tier: 'primary', reason: expect.stringContaining(reason) }]);
  });

  it('honours exclude and pin overrides, with reasons', () => {
    const catalog = catalogOf(['a', 'b', 'c']);
    const tiers: Tier[] = [{ name: 'primary', deployments: ['a', 'b', 'c'] }];
    const excluded = planRoute(input(route(tiers), catalog, {}, { overrides: { exclude: ['a'] } }));
    expect(ids(excluded)).toEqual(['b:primary', 'c:primary']);
    expect(excluded.excluded[0]).toMatchObject({ deployment: 'a', reason: 'excluded by the request' });
    const pinned = planRoute(input(route(tiers), catalog, {}, { overrides: { pin: ['c', 'b'] } }));
    expect(ids(pinned)).toEqual(['c:primary', 'b:primary']);
  });

  it('uses the strategy the request asked for', () => {
    const catalog = catalogOf(['a', 'b']);
    const plan = planRoute(input(route([{ name: 'primary', deployments: ['a', 'b'] }]), catalog, { a: { inFlight: 9 } }, { overrides: { strategy: 'least-busy' } }));
    expect(plan.strategy).toBe('least-busy');
    expect(ids(plan)[0]).toBe('b:primary');
  });

  it('notes each attempt’s tier, rank and the strategy’s note, and why a last resort waits', () => {
    const tiers: Tier[] = [
      { name: 'primary', deployments: ['a', 'b'] },
      { name: 'local', deployments: ['c'] },
    ];
    const health = { a: { inFlight: 3 }, c: { misconfigured: true } };
    const plan = planRoute(input(route(tiers, { strategy: 'least-busy' }), catalogOf(['a', 'b', 'c']), health));
    expect(plan.attempts.map((attempt) => attempt.note)).toEqual([
      'primary #1: 0 in flight',
      'primary #2: 3 in flight',
      'credentials refused (401/403); tried only after every healthy deployment',
    ]);
    expect(plan.reason).toBe('primary: least busy: b has 0 in flight; order b → a; last resort: c');
    expect(JSON.parse(JSON.stringify(plan.attempts[0]))).toMatchObject({ deployment: { id: 'b' }, tier: 'primary', note: 'primary #1: 0 in flight' });
  });

  /** How deep parentheses nest in `text`: `a (b (c))` is 2. */
  function parenthesisDepth(text: string): number {
    let depth = 0;
    let deepest = 0;
    for (const character of text) {
      if (character === '(') deepest = Math.max(deepest, ++depth);
      if (character === ')') depth -= 1;
    }
    return deepest;
  }

  it.each(STRATEGY_NAMES)('%s: notes and reasons never nest parentheses', (strategy) => {
    const catalog: Catalog = { providers: new Map(), deployments: new Map(), routes: new Map() };
    for (const { deployment, provider } of [
      candidate('a', { weight: 3, quality: 0.9, limits: { rpm: 100 }, tags: { region: 'eu-west' } }),
      candidate('b', { weight: 1, quality: 0.5, tags: { region: 'eu-north' } }),
      candidate('c', { weight: 0, tags: { region: 'us-east' } }),
    ]) {
      catalog.deployments.set(deployment.id, deployment);
      catalog.providers.set(provider.id, provider);
    }
    // Latencies close enough to share least-latency's band, one deployment never sampled, one in use.
    const health = { a: { latencyMs: 148.2, ttftMs: 100, requestsThisMinute: 40 }, b: { latencyMs: 160.7, ttftMs: 120, inFlight: 2 } };
    const request = { estimatedInputTokens: 100, region: 'eu-west', callerKey: 'caller', stickyKey: 'conversation' };
    const plan = planRoute(input(route([{ name: 'primary', deployments: ['a', 'b', 'c'] }], { strategy }), catalog, health, { request }));
    expect(plan.attempts).toHaveLength(3);
    for (const text of [plan.reason, ...plan.attempts.map((attempt) => attempt.note)]) expect(parenthesisDepth(text), text).toBeLessThanOrEqual(1);
  });

  it('writes a bare rank when the strategy writes no notes', () => {
    const plan = planRoute(input(route([{ name: 'primary', deployments: ['a', 'b'] }]), catalogOf(['a', 'b'])));
    expect(plan.attempts.map((attempt) => attempt.note)).toEqual(['primary #1', 'primary #2']);
    expect(plan.reason).toBe('primary: priority order: a → b');
    expect(plan).not.toHaveProperty('variant');
  });

  it('reads each deployment’s health once per plan and ranks on that same snapshot', () => {
    const reads = new Map<string, number>();
    const tiers: Tier[] = [
      { name: 'primary', deployments: ['a', 'b', 'c'] },
      { name: 'secondary', deployments: ['d'] },
    ];
    const plan = planRoute(
      input(route(tiers, { strategy: 'least-latency' }), catalogOf(['a', 'b', 'c', 'd']), {}, {
        health: (id) => {
          reads.set(id, (reads.get(id) ?? 0) + 1);
          // Each read sees a slower deployment, as if it changed between two reads.
          return healthSnapshot(id, { latencyMs: { a: 300, b: 100, c: 200, d: 50 }[id]! * reads.get(id)! });
        },
      }),
    );
    expect([...reads.values()]).toEqual([1, 1, 1, 1]);
    expect(ids(plan)).toEqual(['b:primary', 'c:primary', 'a:primary', 'd:secondary']);
  });

  it('never plans an open deployment before a closed capable one (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 1_000 }), (openFlags, seed) => {
        const names = openFlags.map((_, index) => `d${index}`);
        const health = Object.fromEntries(names.filter((_, index) => openFlags[index]).map((name) => [name, open]));
        const plan = planRoute(input(route([{ name: 'primary', deployments: names }], { strategy: 'random' }), catalogOf(names), health, { random: seededRandom(seed) }));
        expect(plan.attempts).toHaveLength(names.length);
        const firstOpen = plan.attempts.findIndex((attempt) => openFlags[names.indexOf(attempt.deployment.id)]);
        const lastClosed = plan.attempts.findLastIndex((attempt) => !openFlags[names.indexOf(attempt.deployment.id)]);
        if (firstOpen >= 0 && lastClosed >= 0) expect(firstOpen).toBeGreaterThan(lastClosed);
      }),
    );
  });
});
