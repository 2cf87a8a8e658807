import { describe, expect, it } from 'vitest';
import type { LearnedPredictor, LearnedPrompt } from '../../src/routing/auto/learned';
import { LAMBDAS, learnedMultiPoints, learnedRouter } from './learned-router';
import type { MultiPrompt } from './load';

/** A stand-in predictor: "big" is always better than "small", by a fixed margin. */
const predictor: LearnedPredictor = {
  version: 'test',
  analyse: (): LearnedPrompt => ({ difficulty: 0 }),
  quality: (_prompt, model) => ({ big: 0.9, small: 0.6 })[model],
  qualityAt: (_prompt, ability) => ability,
  support: () => 1,
  models: () => [
    { name: 'small', ability: 0 },
    { name: 'big', ability: 1 },
  ],
};

const prompt = (id: string, big: number, small: number): MultiPrompt => ({ id, task: 't', text: id, part: 'heldout', quality: { big, small }, cost: { big: 0.01, small: 0.001 } });

describe('learnedMultiPoints', () => {
  it('sweeps from the best predicted model (λ = 0) to the cheapest (large λ)', () => {
    const prompts = [prompt('a', 1, 0), prompt('b', 1, 1)];
    const points = learnedMultiPoints(learnedRouter(predictor), prompts, prompts, ['big', 'small'], false);
    expect(points).toHaveLength(LAMBDAS.length);
    expect(points[0]).toEqual({ cost: 0.01, quality: 1 });
    expect(points[points.length - 1]).toEqual({ cost: 0.001, quality: 0.5 });
  });

  it('skips models the predictor does not know', () => {
    const prompts = [prompt('a', 1, 0)];
    const points = learnedMultiPoints(learnedRouter(predictor), prompts, prompts, ['unknown', 'small'], false);
    for (const point of points) expect(point).toEqual({ cost: 0.001, quality: 0 });
  });

  it('uses out-of-fold predictions for training prompts and counts no decision for them', () => {
    const router = learnedRouter(predictor, new Map([['a', new Map([['small', 0.95], ['big', 0.1]])]]));
    const prompts = [prompt('a', 1, 0)];
    expect(learnedMultiPoints(router, prompts, prompts, ['big', 'small'], true)[0]).toEqual({ cost: 0.001, quality: 0 });
    expect(router.decisions()).toBe(0);
    expect(router.crossValidated).toBe(true);
  });
});
