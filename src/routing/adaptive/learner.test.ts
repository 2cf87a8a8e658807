import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdaptiveLearner } from './learner';
import { adaptiveSettings } from './settings';
import { adaptiveRouter, roundRobinRouter, SHIFTING_WORKLOAD, simulateWorkload, weightedRouter } from './simulation';

const IDS = ['a', 'b', 'c'];
const sum = (learner: AdaptiveLearner) => learner.arms().reduce((total, arm) => total + arm.weight, 0);

describe('AdaptiveLearner', () => {
  it('starts with equal shares and moves them towards the fastest deployment', () => {
    const learner = new AdaptiveLearner(IDS, adaptiveSettings(undefined), () => 0);
    expect(learner.weight('a')).toBeCloseTo(1 / 3);
    for (let round = 0; round < 60; round += 1) {
      learner.observe('a', { success: true, latencyMs: 100, outputTokens: 100 });
      learner.observe('b', { success: true, latencyMs: 300, outputTokens: 100 });
      learner.observe('c', { success: true, latencyMs: 200, outputTokens: 100 });
    }
    expect(learner.weight('a')!).toBeGreaterThan(0.7);
    expect(learner.weight('b')!).toBeLessThan(learner.weight('c')!);
    expect(sum(learner)).toBeCloseTo(1, 9);
  });

  it('scores a deployment failing every request down to the floor, however fast it fails', () => {
    const learner = new AdaptiveLearner(['fast-broken', 'slow-fine'], adaptiveSettings({ floor: 0.05 }), () => 0);
    for (let round = 0; round < 200; round += 1) {
      learner.observe('fast-broken', { success: false, latencyMs: 5 });
      learner.observe('slow-fine', { success: true, latencyMs: 400, outputTokens: 50 });
    }
    expect(learner.weight('fast-broken')!).toBeCloseTo(0.05, 3);
    expect(learner.weight('slow-fine')!).toBeCloseTo(0.95, 3);
  });

  it('weighs quality feedback once a deployment has any', () => {
    const learner = new AdaptiveLearner(['good', 'poor'], adaptiveSettings({ metricWeights: { quality: 1 } }), () => 0);
    for (let round = 0; round < 100; round += 1) {
      learner.observe('good', { success: true, latencyMs: 100, outputTokens: 100 });
      learner.observe('poor', { success: true, latencyMs: 100, outputTokens: 100 });
    }
    expect(learner.weight('good')!).toBeCloseTo(0.5, 6);
    for (let round = 0; round < 100; round += 1) {
      learner.feedback('good', 0.9);
      learner.feedback('poor', 0.3);
    }
    expect(learner.weight('good')!).toBeGreaterThan(0.9);
    expect(learner.arms().find((arm) => arm.deployment === 'poor')).toMatchObject({ quality: expect.closeTo(0.3, 3), feedback: 100 });
  });

  it('stamps each deployment with the injected clock', () => {
    let now = 1_000;
    const learner = new AdaptiveLearner(IDS, adaptiveSettings(undefined), () => now);
    learner.observe('a', { success: true, latencyMs: 10 });
    now = 2_000;
    learner.feedback('b', 1);
    expect(learner.arms().map((arm) => arm.updatedAt)).toEqual([1_000, 2_000, undefined]);
  });

  it('never moves a weight by more than the stability factor in one update, keeps the floor, and sums to 1 (property)', () => {
    const observation = fc.record({ deployment: fc.constantFrom(...IDS), success: fc.boolean(), latencyMs: fc.double({ min: 1, max: 5_000, noNaN: true }), outputTokens: fc.integer({ min: 0, max: 2_000 }) });
    fc.assert(
      fc.property(
        fc.record({ learningRate: fc.double({ min: 0.01, max: 1, noNaN: true }), stability: fc.double({ min: 0.01, max: 1, noNaN: true }), floor: fc.double({ min: 0, max: 0.3, noNaN: true }) }),
        fc.array(observation, { minLength: 1, maxLength: 80 }),
        (options, observations) => {
          const learner = new AdaptiveLearner(IDS, adaptiveSettings(options), () => 0);
          const floor = Math.min(options.floor, 1 / IDS.length);
          for (const { deployment, ...outcome } of observations) {
            const before = learner.arms().map((arm) => arm.weight);
            learner.observe(deployment, outcome);
            const after = learner.arms().map((arm) => arm.weight);
            for (let index = 0; index < IDS.length; index += 1) {
              expect(Math.abs(after[index] - before[index])).toBeLessThanOrEqual(options.stability * before[index] + 1e-12);
              expect(after[index]).toBeGreaterThanOrEqual(Math.min(floor, before[index]) - 1e-12);
            }
            expect(sum(learner)).toBeCloseTo(1, 9);
          }
        },
      ),
    );
  });

  it('with stability 0 nothing moves; with a floor of 1/n everything stays equal', () => {
    const frozen = new AdaptiveLearner(IDS, adaptiveSettings({ stability: 0 }), () => 0);
    const equal = new AdaptiveLearner(IDS, adaptiveSettings({ floor: 0.5 }), () => 0);
    for (let round = 0; round < 50; round += 1) {
      for (const learner of [frozen, equal]) {
        learner.observe('a', { success: true, latencyMs: 10 });
        learner.observe('b', { success: false, latencyMs: 10 });
      }
    }
    for (const learner of [frozen, equal]) for (const id of IDS) expect(learner.weight(id)).toBeCloseTo(1 / 3, 9);
  });

  it('gives a deployment it never heard of an equal share, taken from the others in proportion', () => {
    const learner = new AdaptiveLearner(['a'], adaptiveSettings(undefined), () => 0);
    learner.observe('b', { success: true, latencyMs: 100 });
    expect(learner.arms().map((arm) => arm.deployment)).toEqual(['a', 'b']);
    expect(sum(learner)).toBeCloseTo(1, 9);
  });
});

describe('on the shifting simulated workload', () => {
  const phases = (router: ReturnType<typeof roundRobinRouter>, seed: number) => simulateWorkload(router, SHIFTING_WORKLOAD, { requestsPerPhase: 1_000, seed });

  it.each([1, 2, 3])('converges on the fastest deployment in each phase (seed %i)', (seed) => {
    const router = adaptiveRouter(IDS, seed);
    const [first, second] = phases(router, seed);
    expect(first.best).toBe('a');
    expect(second.best).toBe('b');
    expect(first.bestShare).toBeGreaterThan(0.6);
    expect(second.bestShare).toBeGreaterThan(0.6);
    // At the end, the weights have followed the shift: b leads, a (now the slowest) sits near the floor.
    expect(router.learner.weight('b')!).toBeGreaterThan(0.7);
    expect(router.learner.weight('a')!).toBeLessThan(0.1);
  });

  it.each([1, 2, 3])('beats round-robin and weighted on mean latency in both phases (seed %i)', (seed) => {
    const adaptive = phases(adaptiveRouter(IDS, seed), seed);
    for (const other of [roundRobinRouter(IDS, seed), weightedRouter(IDS, seed)]) {
      const baseline = phases(other, seed);
      for (let phase = 0; phase < 2; phase += 1) expect(adaptive[phase].meanLatencyMs).toBeLessThan(baseline[phase].meanLatencyMs * 0.8);
    }
  });

  it('replays exactly from the same seeds', () => {
    expect(phases(adaptiveRouter(IDS, 9), 9)).toEqual(phases(adaptiveRouter(IDS, 9), 9));
  });
});
