import { describe, expect, it } from 'vitest';
import { AutoLearning } from '../auto/learning';
import type { PredictorPrompt, QualityPredictor } from '../auto/predictor';
import { AutoPrompt } from '../auto/prompt';
import { ledgerAuto } from '../auto/types';
import { candidate, context, ids } from './__fixtures__/strategy-fixtures';
import { autoStrategy, confidenceOf, order } from './auto';
import type { AutoKnowledge, StrategyContext } from './types';

const EASY = 'What is the capital of France?';
const HARD =
  'Write a Python function that parses a CSV file, then compute the average of each numeric column step by step, and finally explain the trade-offs of streaming versus loading the whole file. You must handle quoted fields, must not use pandas, and should include unit tests.\n' +
  'Consider the following data layout and constraints carefully. '.repeat(40);

const pricing = (inputPerMillion: number, outputPerMillion: number) => ({ pricing: { inputPerMillion, outputPerMillion } });
const cheap = candidate('cheap', { ...pricing(0.1, 0.4), quality: 0.7 });
const middle = candidate('middle', { ...pricing(0.8, 4), quality: 0.75 });
const strong = candidate('strong', { ...pricing(2.5, 10), quality: 0.9 });
const all = [strong, middle, cheap];

const prompt = (text: string) => new AutoPrompt({ messages: [{ role: 'user', content: [{ type: 'text', text }] }] });

function contextFor(text: string, overrides: Parameters<typeof context>[0] = {}): StrategyContext {
  return context({ ...overrides, request: { prompt: prompt(text), ...overrides.request }, route: 'auto' });
}

/** A predictor with fixed answers: `qualities` by model, `support` for every prompt. */
function fixedPredictor(qualities: Record<string, number>, support = 0.9): QualityPredictor {
  return {
    version: 'fixed',
    analyse: (): PredictorPrompt => ({ difficulty: 0 }),
    quality: (_prompt, model) => qualities[model],
    qualityAt: (_prompt, ability) => ability,
    support: () => support,
  };
}

const knowledge = (predictor?: QualityPredictor, learning?: AutoLearning): AutoKnowledge => ({
  ...(predictor ? { predictor } : {}),
  arm: (route, pattern, deployment) => learning?.arm(route, pattern, deployment),
});

describe('auto strategy, complexity mode', () => {
  const options = { qualityFloor: 0.9, auto: { mode: 'complexity' as const } };

  it.each([
    ['an easy prompt goes to the cheapest deployment', EASY, ['cheap', 'middle', 'strong']],
    ['a hard prompt goes to the cheapest predicted to reach the floor; the rest follow by predicted quality', HARD, ['strong', 'middle', 'cheap']],
  ])('%s', (_name, text, expected) => {
    const decision = autoStrategy(all, contextFor(text, { options }));
    expect(ids(decision)).toEqual(expected);
    expect(decision.auto).toMatchObject({ mode: 'complexity', decidedBy: 'complexity', qualityFloor: 0.9 });
    expect(decision.auto?.candidates.map((estimate) => estimate.deployment)).toEqual(expected);
  });

  it('reports pattern, complexity, every candidate’s predicted quality and cost, and a one-line reason', () => {
    const decision = autoStrategy(all, contextFor(HARD, { options, request: { estimatedInputTokens: 1_000, maxOutputTokens: 100 } }));
    const auto = decision.auto!;
    expect(auto.pattern).toBe('code');
    expect(auto.complexity).toBeGreaterThan(0.5);
    const strongEstimate = auto.candidates[0];
    expect(strongEstimate).toMatchObject({ deployment: 'strong', model: 'strong-model' });
    expect(strongEstimate.costUsd).toBeCloseTo((1_000 * 2.5 + 100 * 10) / 1e6, 12);
    expect(strongEstimate.quality).toBeGreaterThanOrEqual(0.9);
    for (const estimate of auto.candidates.slice(1)) expect(estimate.quality).toBeLessThan(0.9);
    expect(decision.reason).not.toContain('\n');
    expect(decision.reason).toMatch(/^auto\(complexity\): code prompt, complexity 0\.\d\d → strong \(quality 0\.\d\d ≥ floor 0\.9, ~\$/);
    expect(decision.notes?.().cheap).toMatch(/^predicted quality 0\.\d\d, ~\$/);
  });

  it('takes the request’s quality floor over the route’s', () => {
    const decision = autoStrategy(all, contextFor(EASY, { options, request: { qualityFloor: 0.999 } }));
    expect(ids(decision)[0]).toBe('strong');
    expect(decision.auto?.qualityFloor).toBe(0.999);
  });

  it('puts deployments over the request’s cost ceiling last, cheapest first', () => {
    const decision = autoStrategy(all, contextFor(HARD, { options, request: { estimatedInputTokens: 1_000, maxOutputTokens: 100, maxCostUsd: 0.002 } }));
    // strong would cost $0.0035; middle ($0.0012) and cheap ($0.00014) both miss the floor, so by quality.
    expect(ids(decision)).toEqual(['middle', 'cheap', 'strong']);
    expect(decision.auto?.maxCostUsd).toBe(0.002);
  });

  it('with nothing reaching the floor, leads with the best predicted quality', () => {
    const decision = autoStrategy([cheap, middle], contextFor(HARD, { options }));
    expect(ids(decision)).toEqual(['middle', 'cheap']);
    expect(decision.reason).toContain('< floor 0.9');
  });

  it('trades quality for cost by costWeight among those reaching the floor', () => {
    const floorLow = { qualityFloor: 0.5, auto: { mode: 'complexity' as const } };
    expect(ids(autoStrategy(all, contextFor(HARD, { options: floorLow })))[0]).toBe('cheap');
    expect(ids(autoStrategy(all, contextFor(HARD, { options: { ...floorLow, auto: { mode: 'complexity' as const, costWeight: 0.01 } } })))[0]).toBe('strong');
    expect(ids(autoStrategy(all, contextFor(HARD, { options: { ...floorLow, auto: { mode: 'complexity' as const, costWeight: 5 } } })))[0]).toBe('cheap');
  });

  it('is deterministic: the same prompt and options give the same decision', () => {
    const first = autoStrategy(all, contextFor(HARD, { options }));
    const second = autoStrategy(all, contextFor(HARD, { options }));
    expect(second.auto).toEqual(first.auto);
  });
});

describe('auto strategy, learning and hybrid', () => {
  // The learned model thinks the cheap model is fine for this prompt, the middle one not.
  const predictor = fixedPredictor({ 'cheap-model': 0.93, 'middle-model': 0.6, 'strong-model': 0.97 });
  const options = (mode: 'learning' | 'hybrid') => ({ qualityFloor: 0.9, auto: { mode } });

  it('learning: the learned model’s predictions decide', () => {
    const decision = autoStrategy(all, contextFor(HARD, { options: options('learning'), auto: knowledge(predictor) }));
    expect(decision.auto).toMatchObject({ mode: 'learning', decidedBy: 'learning' });
    expect(decision.auto?.validation).toBeUndefined();
    expect(ids(decision)[0]).toBe('cheap');
  });

  it('learning with no learned model loaded: complexity decides, and the reason says why', () => {
    const decision = autoStrategy(all, contextFor(HARD, { options: options('learning'), auto: knowledge() }));
    expect(decision.auto).toMatchObject({ mode: 'learning', decidedBy: 'complexity' });
    expect(decision.reason).toContain('no learned model loaded');
    expect(ids(decision)[0]).toBe('strong');
  });

  it('hybrid: validated when the data covers the prompt and complexity agrees', () => {
    const agreeing = fixedPredictor({ 'cheap-model': 0.99, 'middle-model': 0.99, 'strong-model': 0.99 });
    const decision = autoStrategy(all, contextFor(EASY, { options: options('hybrid'), auto: knowledge(agreeing) }));
    expect(decision.auto).toMatchObject({ mode: 'hybrid', decidedBy: 'learning', validation: 'validated' });
    expect(decision.reason).toMatch(/^auto\(hybrid, validated\)/);
  });

  it('hybrid: falls back to complexity when the two disagree strongly', () => {
    // Complexity gives a weak deployment (ability 0.4) about 0.35 on the hard prompt; the learned model says 0.99.
    const weak = candidate('weak', { ...pricing(0.05, 0.2), quality: 0.4 });
    const far = fixedPredictor({ 'weak-model': 0.99, 'cheap-model': 0.5, 'middle-model': 0.5, 'strong-model': 0.97 });
    const decision = autoStrategy([...all, weak], contextFor(HARD, { options: options('hybrid'), auto: knowledge(far) }));
    expect(decision.auto).toMatchObject({ decidedBy: 'complexity', validation: 'fallback' });
    expect(decision.reason).toMatch(/learning and complexity disagree on weak \(0\.9\d vs 0\.3\d\)/);
    expect(ids(decision)[0]).toBe('strong');
  });

  it('hybrid: falls back to complexity when the training data is thin', () => {
    const thin = fixedPredictor({ 'cheap-model': 0.93, 'middle-model': 0.6, 'strong-model': 0.97 }, 0.1);
    const decision = autoStrategy(all, contextFor(HARD, { options: options('hybrid'), auto: knowledge(thin) }));
    expect(decision.auto).toMatchObject({ decidedBy: 'complexity', validation: 'fallback' });
    expect(decision.reason).toContain('thin training data');
    expect(ids(decision)[0]).toBe('strong');
  });

  it('the request may ask for another mode', () => {
    const decision = autoStrategy(all, contextFor(HARD, { options: options('learning'), auto: knowledge(predictor), request: { autoMode: 'complexity' } }));
    expect(decision.auto).toMatchObject({ mode: 'complexity', decidedBy: 'complexity' });
  });

  it('feedback moves a pattern’s choice: low scores for the cheap model on code send code prompts elsewhere', () => {
    let now = 1_700_000_000_000;
    const learning = new AutoLearning(() => now);
    const floor = { qualityFloor: 0.85, auto: { mode: 'learning' as const } };
    const run = () => autoStrategy(all, contextFor(HARD, { options: floor, auto: knowledge(predictor, learning), now, seed: 7 }));
    const before = run();
    expect(ids(before)[0]).toBe('cheap');
    const auto = ledgerAuto(before.auto!);
    for (let index = 0; index < 20; index += 1) {
      learning.remember(`request-${index}`, 'auto', 'cheap', auto);
      expect(learning.feedback(`request-${index}`, 0.3)).toBeDefined();
      now += 1_000;
    }
    const after = run();
    expect(ids(after)[0]).toBe('strong');
    expect(after.auto?.candidates.find((estimate) => estimate.deployment === 'cheap')?.quality).toBeLessThan(0.6);
    // Another pattern's arm is untouched: the easy prompt still goes to the cheap model.
    const easy = autoStrategy(all, contextFor(EASY, { options: floor, auto: knowledge(predictor, learning), now, seed: 7 }));
    expect(ids(easy)[0]).toBe('cheap');
  });

  it('draws exploration from the injected random source only', () => {
    const learning = new AutoLearning(() => 0);
    const a = autoStrategy(all, contextFor(HARD, { options: options('learning'), auto: knowledge(predictor, learning), seed: 3 }));
    const b = autoStrategy(all, contextFor(HARD, { options: options('learning'), auto: knowledge(predictor, learning), seed: 3 }));
    const c = autoStrategy(all, contextFor(HARD, { options: options('learning'), auto: knowledge(predictor, learning), seed: 4 }));
    expect(b.auto).toEqual(a.auto);
    expect(c.auto?.candidates.map((estimate) => estimate.quality)).not.toEqual(a.auto?.candidates.map((estimate) => estimate.quality));
  });
});

describe('order and confidence', () => {
  const estimates = { quality: [0.95, 0.85, 0.5], cost: [3, 1, 0.5] };

  it.each([
    ['floor 0.8: reaching it cheapest first, then the rest by quality', 0.8, undefined, 0, [1, 0, 2]],
    ['floor 0.9', 0.9, undefined, 0, [0, 1, 2]],
    ['a cost ceiling of 2 puts index 0 last', 0.9, 2, 0, [1, 2, 0]],
    ['costWeight 1: quality − relative cost', 0.4, undefined, 1, [1, 2, 0]],
  ])('%s', (_name, floor, maxCost, costWeight, expected) => {
    expect(order(estimates, floor, maxCost, costWeight)).toEqual(expected);
  });

  it('is high far from the floor and low at it; thin support and fallbacks lower it', () => {
    const far = confidenceOf({ quality: [0.99, 0.3], cost: [1, 2] }, [0, 1], 0.6, 1, undefined);
    const near = confidenceOf({ quality: [0.61, 0.3], cost: [1, 2] }, [0, 1], 0.6, 1, undefined);
    expect(far.level).toBe('high');
    expect(near.level).toBe('low');
    expect(near.score).toBeLessThan(far.score);
    expect(confidenceOf({ quality: [0.99, 0.3], cost: [1, 2] }, [0, 1], 0.6, 0.2, undefined).score).toBeLessThan(far.score);
    expect(confidenceOf({ quality: [0.99, 0.3], cost: [1, 2] }, [0, 1], 0.6, 1, 'fallback').score).toBeLessThan(far.score);
  });

  it('counts a cheaper candidate passed over near the floor as a close call', () => {
    // The strong one is far above the floor, but the cheaper one missed it by a hair.
    const close = confidenceOf({ quality: [0.99, 0.79], cost: [3, 1] }, [0, 1], 0.8, 1, undefined);
    expect(close.level).toBe('low');
  });
});
