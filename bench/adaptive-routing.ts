/**
 * `node --import tsx bench/adaptive-routing.ts`: the adaptive strategy's costs and what it buys.
 *
 * 1. Decision cost per pick over 3 and 8 deployments: adaptive (learned shares) against weighted
 *    and smooth round-robin, each the whole strategy call with its reason. Timed in batches of
 *    1,000 calls (one call is below the clock's resolution); median and p99 of 300 batches.
 * 2. Update cost: one learner observation (figures, scores, targets and the bounded step) per
 *    finished attempt.
 * 3. The shifting workload (routing/adaptive/simulation.ts): 2 phases × 1,000 requests, a at
 *    100 → 500 ms, b at 300 → 80 ms, c at 200 ms throughout; mean latency and the fastest
 *    deployment's share per phase, for adaptive, round-robin and weighted (equal weights), mean
 *    over 5 seeds.
 */
import { AdaptiveLearner } from '../src/routing/adaptive/learner';
import { adaptiveSettings } from '../src/routing/adaptive/settings';
import { adaptiveRouter, roundRobinRouter, SHIFTING_WORKLOAD, simulateWorkload, weightedRouter, type PhaseResult } from '../src/routing/adaptive/simulation';
import type { Deployment } from '../src/routing/catalog';
import { seededRandom } from '../src/resilience/random';
import { adaptiveStrategy } from '../src/routing/strategies/adaptive';
import { roundRobinStrategy } from '../src/routing/strategies/round-robin';
import { newRouteStrategyState, type Candidate, type Strategy, type StrategyContext } from '../src/routing/strategies/types';
import { weightedStrategy } from '../src/routing/strategies/weighted';

const BATCH = 1_000;
const BATCHES = 300;

function candidates(count: number): Candidate[] {
  return Array.from({ length: count }, (_, index) => {
    const deployment: Deployment = { id: `d${index}`, provider: 'p', model: `m${index}`, pricing: { inputPerMillion: 1, outputPerMillion: 1 }, contextWindow: 128_000, capabilities: ['chat'], priority: 0, weight: 1 + index, tags: {} };
    return { deployment, provider: { id: 'p', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 1, connectTimeoutMs: 1, maxConnections: 1, headers: {} } };
  });
}

/** Median and p99 of per-call time (ns), from batches of BATCH calls after a warm-up. */
function timePerCall(call: () => void): { median: number; p99: number } {
  for (let index = 0; index < 20 * BATCH; index += 1) call();
  const samples: number[] = [];
  for (let batch = 0; batch < BATCHES; batch += 1) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < BATCH; index += 1) call();
    samples.push(Number(process.hrtime.bigint() - started) / BATCH);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], p99: samples[Math.floor(samples.length * 0.99)] };
}

const format = ({ median, p99 }: { median: number; p99: number }) => `${(median / 1_000).toFixed(2)} µs (p99 ${(p99 / 1_000).toFixed(2)})`;

console.log('decision cost per pick (whole strategy call, reason included)');
for (const count of [3, 8]) {
  const list = candidates(count);
  const learner = new AdaptiveLearner(list.map((entry) => entry.deployment.id), adaptiveSettings(undefined), () => 0);
  const random = seededRandom(1);
  for (let index = 0; index < 500; index += 1) learner.observe(`d${index % count}`, { success: true, latencyMs: 50 + 20 * (index % count), outputTokens: 100 });
  const context = (): StrategyContext => ({ health: () => { throw new Error('unused'); }, request: { estimatedInputTokens: 100 }, options: {}, state: newRouteStrategyState(), random, now: 0, route: 'r', adaptive: { weight: (_route, id) => learner.weight(id) } });
  const shared = context();
  const rows: Array<[string, Strategy]> = [['adaptive', adaptiveStrategy], ['weighted', weightedStrategy], ['round-robin', roundRobinStrategy]];
  for (const [name, strategy] of rows) console.log(`  ${count} deployments, ${name.padEnd(11)} ${format(timePerCall(() => strategy(list, shared)))}`);
}

console.log('update cost per observed attempt (learner.observe)');
for (const count of [3, 8]) {
  const learner = new AdaptiveLearner(Array.from({ length: count }, (_, index) => `d${index}`), adaptiveSettings(undefined), () => 0);
  let index = 0;
  console.log(`  ${count} deployments ${format(timePerCall(() => learner.observe(`d${index++ % count}`, { success: index % 17 !== 0, latencyMs: 50 + (index % 7) * 10, outputTokens: 100 })))}`);
}

const SEEDS = [1, 2, 3, 4, 5];
const IDS = ['a', 'b', 'c'];
console.log(`shifting workload: 2 phases × 1,000 requests (a 100 → 500 ms, b 300 → 80 ms, c 200 ms), mean of ${SEEDS.length} seeds`);
const routers = { adaptive: (seed: number) => adaptiveRouter(IDS, seed), 'round-robin': (seed: number) => roundRobinRouter(IDS, seed), weighted: (seed: number) => weightedRouter(IDS, seed) };
for (const [name, make] of Object.entries(routers)) {
  const runs: PhaseResult[][] = SEEDS.map((seed) => simulateWorkload(make(seed), SHIFTING_WORKLOAD, { requestsPerPhase: 1_000, seed }));
  const mean = (pick: (phases: PhaseResult[]) => number) => runs.reduce((sum, phases) => sum + pick(phases), 0) / runs.length;
  const overall = mean((phases) => (phases[0].meanLatencyMs + phases[1].meanLatencyMs) / 2);
  const phases = [0, 1].map((phase) => `phase ${phase + 1}: ${mean((p) => p[phase].meanLatencyMs).toFixed(1)} ms, best (${runs[0][phase].best}) ${(mean((p) => p[phase].bestShare) * 100).toFixed(0)}%`);
  console.log(`  ${name.padEnd(11)} mean ${overall.toFixed(1)} ms; ${phases.join('; ')}`);
}
