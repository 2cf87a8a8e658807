import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DENSE_FEATURES, promptFeatures, SUPPORT_BITS, supportKeys } from './features';
import { fitQualityModel, type TrainingOutcome } from './fit';
import { logitOf, project, sigmoid, standardise } from './model';
import { toModelFile, type QualityModelFile } from './model-file';
import { createPredictor } from './predictor';

const BUCKETS = 512;
const topics = ['history', 'poems', 'cooking', 'travel', 'music', 'sports'];

/** A tiny model trained on a planted rule: "integral" prompts are hard, the strong model abler. */
function plantedModel(): { file: QualityModelFile; weights: ReturnType<typeof fitQualityModel> } {
  const texts = Array.from({ length: 90 }, (_, index) => (index % 3 === 0 ? `compute the integral about ${topics[index % 6]}` : `tell me about ${topics[index % 6]}`));
  const prompts = texts.map((text) => promptFeatures(text, 1, BUCKETS));
  const outcomes: TrainingOutcome[] = texts.flatMap((text, prompt) => [
    { prompt, model: 0, label: text.includes('integral') ? 0 : 1 },
    { prompt, model: 1, label: text.includes('integral') && prompt % 2 === 0 ? 0 : 1 },
  ]);
  const weights = fitQualityModel(prompts, outcomes, ['weak-model', 'Strong-Model'], { buckets: BUCKETS, dims: 1, lambda: 1e-4, epochs: 200, learningRate: 0.05 });
  const counts = new Uint32Array(SUPPORT_BITS);
  for (const text of texts) for (const key of supportKeys(text)) counts[key] += 1;
  const file = toModelFile(weights, {
    version: 'quality-model-test',
    trained: '2026-12-06',
    denseNames: DENSE_FEATURES,
    aliases: { 'Strong-Model': ['strong-alias'] },
    outcomesPerModel: [90, 90],
    meanEmbedding: [0],
    seen: Array.from(counts, (count) => count >= 3),
    minPrompts: 3,
    training: {},
  });
  return { file: JSON.parse(JSON.stringify(file)) as QualityModelFile, weights };
}

const { file, weights } = plantedModel();
const predictor = createPredictor(file);

describe('createPredictor', () => {
  it('names its version, training date and outcome count', () => {
    expect(predictor.version).toBe('quality-model-test (trained 2026-12-06, 180 outcomes)');
  });

  it('knows models by name or alias, case-insensitively, and nothing else', () => {
    const prompt = predictor.analyse('tell me about music', 1);
    expect(predictor.quality(prompt, 'STRONG-model')).toBe(predictor.quality(prompt, 'strong-alias'));
    expect(predictor.quality(prompt, 'weak-model')).toBeGreaterThan(0);
    expect(predictor.quality(prompt, 'gpt-unknown')).toBeUndefined();
  });

  it('learned the planted rule: "integral" prompts are harder and the weak model fails them', () => {
    const hard = predictor.analyse('compute the integral about music', 1);
    const easy = predictor.analyse('tell me about music', 1);
    expect(hard.difficulty).toBeGreaterThan(easy.difficulty);
    expect(predictor.quality(hard, 'weak-model')).toBeLessThan(0.3);
    expect(predictor.quality(easy, 'weak-model')).toBeGreaterThan(0.7);
    expect(predictor.models().find((model) => model.name === 'Strong-Model')?.ability).toBe(1);
    expect(predictor.models().find((model) => model.name === 'weak-model')?.ability).toBe(0);
  });

  it('is monotone: more ability never lowers quality, more difficulty never raises it', () => {
    const texts = ['compute the integral about music', 'tell me about music', 'something else entirely', ''];
    const prompts = texts.map((text) => predictor.analyse(text, 1));
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), (a, b, i, j) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(predictor.qualityAt(prompts[i], low)).toBeLessThanOrEqual(predictor.qualityAt(prompts[i], high));
        const [easier, harder] = prompts[i].difficulty <= prompts[j].difficulty ? [prompts[i], prompts[j]] : [prompts[j], prompts[i]];
        expect(predictor.qualityAt(easier, a)).toBeGreaterThanOrEqual(predictor.qualityAt(harder, a));
        expect(predictor.qualityAt(prompts[i], a)).toBeGreaterThanOrEqual(0);
        expect(predictor.qualityAt(prompts[i], a)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('reports support: high on words it was trained on, low on words it never saw', () => {
    expect(predictor.support(predictor.analyse('tell me about cooking', 1))).toBe(1);
    expect(predictor.support(predictor.analyse('zyxxy quorble flanged vintners', 1))).toBe(0);
    expect(predictor.support(predictor.analyse('tell me about zyxxy quorble', 1))).toBeCloseTo(3 / 5, 9);
    expect(predictor.support(predictor.analyse('', 1))).toBe(0);
  });

  it('predicts as the unquantised weights do, to within the 16-bit rounding', () => {
    const text = 'compute the integral about poems';
    const features = promptFeatures(text, 1, BUCKETS);
    const exact = sigmoid(logitOf(weights, project(weights, features, standardise(features.dense, weights.denseMean, weights.denseStd)), 0));
    expect(predictor.quality(predictor.analyse(text, 1), 'weak-model')).toBeCloseTo(exact, 2);
  });

  it('refuses a file whose dense features differ from the featuriser', () => {
    expect(() => createPredictor({ ...file, dense: { ...file.dense, names: ['other'] } })).toThrow(/rebuild/);
  });
});
