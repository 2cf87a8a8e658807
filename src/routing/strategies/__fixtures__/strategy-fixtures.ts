/**
 * Builders for strategy tests: candidates, health snapshots, a context with a seeded random
 * source, and fast-check arbitraries for whole candidate sets. Test-only; not exported from
 * the library entry.
 */
import fc from 'fast-check';
import type { HealthSnapshot } from '../../health';
import type { Deployment, Provider, Route, Tier } from '../../catalog';
import { DEFAULT_BREAKER_POLICY } from '../../../resilience/types';
import { seededRandom } from '../../../resilience/random';
import type { Candidate, StrategyContext, StrategyDecision, StrategyRequest } from '../types';
import { newRouteStrategyState } from '../types';

export { seededRandom };

export function provider(id: string, overrides: Partial<Provider> = {}): Provider {
  return {
    id,
    kind: 'openai-compatible',
    baseUrl: `http://${id}.invalid/v1`,
    timeoutMs: 30_000,
    connectTimeoutMs: 2_000,
    maxConnections: 16,
    headers: {},
    ...overrides,
  };
}

export function candidate(id: string, overrides: Partial<Deployment> = {}, providerOverrides: Partial<Provider> = {}): Candidate {
  const deployment: Deployment = {
    id,
    provider: `${id}-provider`,
    model: `${id}-model`,
    pricing: { inputPerMillion: 1, outputPerMillion: 2 },
    contextWindow: 128_000,
    capabilities: ['chat', 'streaming'],
    priority: 0,
    weight: 1,
    tags: {},
    ...overrides,
  };
  return { deployment, provider: provider(deployment.provider, providerOverrides) };
}

/** A route over `tiers` with the priority strategy, no retries and every override allowed. */
export function testRoute(tiers: Tier[], overrides: Partial<Route> = {}): Route {
  return routeOver('chat', tiers[0]!.deployments, { tiers, ...overrides });
}

export function healthSnapshot(deployment: string, overrides: Partial<HealthSnapshot> = {}): HealthSnapshot {
  return {
    deployment,
    latencyMs: undefined,
    ttftMs: undefined,
    ttftP95Ms: undefined,
    successRate: 1,
    windowRequests: 0,
    consecutiveFailures: 0,
    inFlight: 0,
    requestsThisMinute: 0,
    tokensThisMinute: 0,
    breaker: { status: 'closed', trips: 0, probesInFlight: 0 },
    misconfigured: false,
    ...overrides,
  };
}

export interface ContextOverrides extends Partial<Omit<StrategyContext, 'health' | 'request'>> {
  /** Health per deployment id; missing ids get a fresh snapshot. */
  health?: Record<string, Partial<HealthSnapshot>>;
  request?: Partial<StrategyRequest>;
  seed?: number;
}

export function context(overrides: ContextOverrides = {}): StrategyContext {
  const { health = {}, request = {}, seed = 1, ...rest } = overrides;
  return {
    health: (id) => healthSnapshot(id, health[id]),
    request: { estimatedInputTokens: 1_000, ...request },
    options: {},
    state: newRouteStrategyState(),
    random: seededRandom(seed),
    now: 1_700_000_000_000,
    ...rest,
  };
}

export function ids(decision: StrategyDecision): string[] {
  return decision.ordered.map((entry) => entry.deployment.id);
}

/** How often each id came first over `runs` decisions, as shares of `runs`. */
export function firstShares(runs: number, decide: (run: number) => StrategyDecision): Map<string, number> {
  const counts = new Map<string, number>();
  for (let run = 0; run < runs; run += 1) {
    const first = decide(run).ordered[0].deployment.id;
    counts.set(first, (counts.get(first) ?? 0) + 1);
  }
  return new Map([...counts].map(([id, count]) => [id, count / runs]));
}

/** Any candidate set of 0..8 deployments with distinct ids and varied settings. */
export const candidatesArbitrary: fc.Arbitrary<Candidate[]> = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/), { maxLength: 8 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.record({
          priority: fc.integer({ min: 0, max: 3 }),
          weight: fc.constantFrom(0, 1, 2, 5, 0.5),
          quality: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
          input: fc.constantFrom(0, 0.15, 1, 3, 15),
          output: fc.constantFrom(0, 0.6, 2, 10, 75),
          region: fc.option(fc.constantFrom('us-east', 'us-west', 'eu-west', 'eu-central', 'ap-south'), { nil: undefined }),
          rpm: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
        }).map((settings) =>
          candidate(name, {
            priority: settings.priority,
            weight: settings.weight,
            quality: settings.quality,
            pricing: { inputPerMillion: settings.input, outputPerMillion: settings.output },
            tags: settings.region === undefined ? {} : { region: settings.region },
            limits: settings.rpm === undefined ? undefined : { rpm: settings.rpm },
          }),
        ),
      ),
    ),
  );

/** Health and request settings for any candidate set: latency, load, usage, caller identity. */
export const contextArbitrary = fc.record({
  seed: fc.integer(),
  latencies: fc.array(fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: undefined }), { minLength: 8, maxLength: 8 }),
  inFlight: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 8, maxLength: 8 }),
  requestsThisMinute: fc.array(fc.integer({ min: 0, max: 150 }), { minLength: 8, maxLength: 8 }),
  callerKey: fc.option(fc.string(), { nil: undefined }),
  stickyKey: fc.option(fc.string(), { nil: undefined }),
  region: fc.option(fc.constantFrom('us-east', 'eu-west', 'ap-south', 'sa-east'), { nil: undefined }),
  latencyTolerance: fc.option(fc.constantFrom(0, 0.2, 1), { nil: undefined }),
  qualityFloor: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
});

export type ContextSettings = typeof contextArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** A context from generated settings; health is assigned to candidates by position. */
export function contextFrom(candidates: readonly Candidate[], settings: ContextSettings): StrategyContext {
  const health: Record<string, Partial<HealthSnapshot>> = {};
  candidates.forEach((entry, index) => {
    health[entry.deployment.id] = {
      latencyMs: settings.latencies[index],
      inFlight: settings.inFlight[index],
      requestsThisMinute: settings.requestsThisMinute[index],
    };
  });
  return context({
    seed: settings.seed,
    health,
    request: { callerKey: settings.callerKey, stickyKey: settings.stickyKey, region: settings.region },
    options: { latencyTolerance: settings.latencyTolerance, qualityFloor: settings.qualityFloor },
  });
}

/** A route over `deployments` (one primary tier) with the config's defaults: priority, no retries. */
export function routeOver(name: string, deployments: string[], overrides: Partial<Route> = {}): Route {
  return {
    name,
    deployments,
    tiers: [{ name: 'primary', deployments }],
    strategy: 'priority',
    strategyOptions: {},
    retry: { attempts: 0, baseDelayMs: 10, maxDelayMs: 100, budgetRatio: 0.2 },
    streamResume: false,
    firstByteTimeoutMs: 'auto',
    breaker: DEFAULT_BREAKER_POLICY,
    staleCache: false,
    overrides: { strategy: true, pin: true, exclude: true, auto: true },
    ...overrides,
  };
}
