import { describe, expect, it } from 'vitest';
import { hashedGrams } from './features';
import { fitQualityModel, logLoss, type TrainingOutcome, type TrainingPrompt } from './fit';
import { project, standardise } from './model';

const BUCKETS = 256;
const topics = ['history', 'poems', 'cooking', 'travel', 'music', 'sports'];

/** Prompts mentioning "integral" are hard: the weak model fails them, the strong one mostly not. */
export function plantedFixture(): { texts: string[]; prompts: TrainingPrompt[]; outcomes: TrainingOutcome[] } {
  const texts: string[] = [];
  for (let index = 0; index < 120; index += 1) {
    const topic = topics[index % topics.length];
    texts.push(index % 3 === 0 ? `compute the integral about ${topic} number ${index % 7}` : `tell me about ${topic} number ${index % 7}`);
  }
  const prompts = texts.map((text) => ({ ...hashedGrams(text, BUCKETS), dense: Float64Array.from([text.length, 1]) }));
  const outcomes: TrainingOutcome[] = [];
  texts.forEach((text, prompt) => {
    const hard = text.includes('integral');
    outcomes.push({ prompt, model: 0, label: hard ? 0 : 1 });
    outcomes.push({ prompt, model: 1, label: hard ? (prompt % 4 === 0 ? 0 : 1) : 1 });
  });
  return { texts, prompts, outcomes };
}

describe('fitQualityModel', () => {
  it('recovers a planted rule: prompts with "integral" are harder, and the strong model is abler', () => {
    const { prompts, outcomes } = plantedFixture();
    const weights = fitQualityModel(prompts, outcomes, ['weak', 'strong'], { buckets: BUCKETS, dims: 0, lambda: 1e-4, epochs: 300, learningRate: 0.05 });
    const difficulty = (text: string) => {
      const features = { ...hashedGrams(text, BUCKETS), dense: Float64Array.from([text.length, 1]) };
      return project(weights, features, standardise(features.dense, weights.denseMean, weights.denseStd)).difficulty;
    };
    expect(difficulty('compute the integral about cooking number 3')).toBeGreaterThan(difficulty('tell me about cooking number 3') + 1);
    expect(weights.theta[1]).toBeGreaterThan(weights.theta[0]);
    expect(logLoss(weights, prompts, outcomes)).toBeLessThan(0.3);
  });

  it('is deterministic: same data, same weights', () => {
    const { prompts, outcomes } = plantedFixture();
    const options = { buckets: BUCKETS, dims: 2, lambda: 1e-3, epochs: 20, learningRate: 0.05 };
    const a = fitQualityModel(prompts, outcomes, ['weak', 'strong'], options);
    const b = fitQualityModel(prompts, outcomes, ['weak', 'strong'], options);
    expect([...a.difficulty]).toEqual([...b.difficulty]);
    expect([...a.affinity]).toEqual([...b.affinity]);
  });

  it('refuses to fit nothing', () => {
    expect(() => fitQualityModel([], [], ['m'], { buckets: BUCKETS, dims: 0, lambda: 0, epochs: 1, learningRate: 0.1 })).toThrow(/no training data/);
  });
});
