/**
 * A seeded, shifting workload for comparing strategies without a network: each phase gives every
 * deployment a latency (and optionally an error rate); each request is routed by the strategy
 * under test, its latency drawn around its deployment's (log-normal, ±20% typical), and what
 * happened fed back. The learner tests and bench/adaptive-routing.ts both run it.
 */
import type { Deployment, Provider } from '../catalog';
import { seededRandom } from '../../resilience/random';
import { adaptiveStrategy } from '../strategies/adaptive';
import { roundRobinStrategy } from '../strategies/round-robin';
import { newRouteStrategyState, type Candidate, type Strategy, type StrategyContext } from '../strategies/types';
import { weightedStrategy } from '../strategies/weighted';
import { AdaptiveLearner, type AttemptObservation } from './learner';
import { adaptiveSettings, type AdaptiveOptions } from './settings';

export interface WorkloadPhase {
  /** Median latency per deployment (ms). */
  latencyMs: Record<string, number>;
  /** Share of requests failing per deployment (default 0). */
  errorRate?: Record<string, number>;
}

/** The benchmark's workload: a turns slow and b fast halfway through; c stays in the middle. */
export const SHIFTING_WORKLOAD: readonly WorkloadPhase[] = [
  { latencyMs: { a: 100, b: 300, c: 200 } },
  { latencyMs: { a: 500, b: 80, c: 200 } },
];

/** Something that routes one request at a time and hears how it went. */
export interface SimulatedRouter {
  name: string;
  pick(): string;
  observe(deployment: string, observation: AttemptObservation): void;
}

export interface PhaseResult {
  /** Mean latency of the phase's requests (ms), failures counted at their latency. */
  meanLatencyMs: number;
  /** The phase's fastest deployment, and the share of requests it served. */
  best: string;
  bestShare: number;
  shares: Record<string, number>;
  errors: number;
}

export interface WorkloadOptions {
  requestsPerPhase: number;
  seed: number;
  /** Log-normal σ of the latency draws (default 0.2). */
  spread?: number;
  /** Output tokens per answer (default 100). */
  outputTokens?: number;
}

export function simulateWorkload(router: SimulatedRouter, phases: readonly WorkloadPhase[], options: WorkloadOptions): PhaseResult[] {
  const random = seededRandom(options.seed);
  const spread = options.spread ?? 0.2;
  const results: PhaseResult[] = [];
  for (const phase of phases) {
    const counts = new Map<string, number>();
    let latencySum = 0;
    let errors = 0;
    for (let request = 0; request < options.requestsPerPhase; request += 1) {
      const deployment = router.pick();
      const median = phase.latencyMs[deployment] ?? 0;
      const latencyMs = median * Math.exp(spread * normal(random));
      const success = random() >= (phase.errorRate?.[deployment] ?? 0);
      if (!success) errors += 1;
      counts.set(deployment, (counts.get(deployment) ?? 0) + 1);
      latencySum += latencyMs;
      router.observe(deployment, { success, latencyMs, outputTokens: success ? (options.outputTokens ?? 100) : 0 });
    }
    const best = Object.entries(phase.latencyMs).reduce((fastest, entry) => (entry[1] < fastest[1] ? entry : fastest))[0];
    const shares = Object.fromEntries(Object.keys(phase.latencyMs).map((id) => [id, (counts.get(id) ?? 0) / options.requestsPerPhase]));
    results.push({ meanLatencyMs: latencySum / options.requestsPerPhase, best, bestShare: shares[best] ?? 0, shares, errors });
  }
  return results;
}

/** A strategy routing the simulated deployments, its draws from `seed`. */
export function strategyRouter(name: string, strategy: Strategy, deployments: readonly string[], seed: number, extra: Partial<StrategyContext> = {}, observe: SimulatedRouter['observe'] = () => {}): SimulatedRouter {
  const candidates = deployments.map(simulatedCandidate);
  const context: StrategyContext = { health: () => { throw new Error('the simulation gives no health'); }, request: { estimatedInputTokens: 100 }, options: {}, state: newRouteStrategyState(), random: seededRandom(seed), now: 0, route: 'simulated', ...extra };
  return { name, pick: () => strategy(candidates, context).ordered[0].deployment.id, observe };
}

/** The adaptive strategy and its learner over the simulated deployments. */
export function adaptiveRouter(deployments: readonly string[], seed: number, options?: AdaptiveOptions): SimulatedRouter & { learner: AdaptiveLearner } {
  let clock = 0;
  const learner = new AdaptiveLearner(deployments, adaptiveSettings(options), () => clock);
  const router = strategyRouter('adaptive', adaptiveStrategy, deployments, seed, { adaptive: { weight: (_route, deployment) => learner.weight(deployment) } }, (deployment, observation) => {
    clock += 1;
    learner.observe(deployment, observation);
  });
  return { ...router, learner };
}

export const roundRobinRouter = (deployments: readonly string[], seed: number) => strategyRouter('round-robin', roundRobinStrategy, deployments, seed);
export const weightedRouter = (deployments: readonly string[], seed: number) => strategyRouter('weighted', weightedStrategy, deployments, seed);

function simulatedCandidate(id: string): Candidate {
  const deployment: Deployment = { id, provider: 'simulated', model: id, pricing: { inputPerMillion: 1, outputPerMillion: 1 }, contextWindow: 128_000, capabilities: ['chat'], priority: 0, weight: 1, tags: {} };
  const provider: Provider = { id: 'simulated', kind: 'openai-compatible', baseUrl: 'http://simulated.invalid/v1', timeoutMs: 30_000, connectTimeoutMs: 2_000, maxConnections: 16, headers: {} };
  return { deployment, provider };
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
