import { describe, expect, it } from 'vitest';
import { crossValidate, trainingSet } from './learned-cv';
import type { MultiDataset } from './load';
import { canonicalModel, foldsOf, FOLDS, fromMulti, type TrainingExample } from './learned-data';

const topics = ['history', 'poems', 'cooking', 'travel', 'music', 'sports', 'gardens', 'films'];

/** A planted rule: "integral" prompts are hard for the weak model; the strong one mostly copes. */
function planted(count: number): TrainingExample[] {
  return Array.from({ length: count }, (_, index) => {
    const hard = index % 3 === 0;
    const text = `${hard ? 'evaluate the integral' : 'tell me'} about ${topics[index % topics.length]} ${index % 5}`;
    return { id: `synthetic#${index}`, source: 'synthetic', group: `synthetic#${index}`, text, messages: 1, quality: { weak: hard ? 0 : 1, strong: hard && index % 2 === 0 ? 0 : 1 } };
  });
}

describe('cross-validating the learned model', () => {
  it('prefers a light penalty to one that smothers the planted rule, and ranks the gap out of fold', () => {
    const set = trainingSet(planted(150), 256);
    const options = { buckets: 256, dims: 0, epochs: 150, learningRate: 0.05 };
    const light = crossValidate(set, { ...options, lambda: 1e-4 }, { synthetic: ['weak', 'strong'] });
    const heavy = crossValidate(set, { ...options, lambda: 10 }, { synthetic: ['weak', 'strong'] });
    expect(light.logLoss).toBeLessThan(heavy.logLoss);
    expect([light, heavy].reduce((a, b) => (b.logLoss < a.logLoss ? b : a)).lambda).toBe(1e-4);
    // The strong model gains exactly on the hard prompts it gets right; ranking by the gap finds them.
    expect(light.apgr.synthetic).toBeGreaterThan(0.6);
  });

  it('keeps each MMLU subject in one fold, and every fold in use', () => {
    const examples: TrainingExample[] = Array.from({ length: 40 }, (_, index) => ({ id: `mmlu_s${index % 10}.csv#${index}`, source: 'mmlu', group: `mmlu_s${index % 10}.csv`, text: 'q', messages: 1, quality: {} }));
    const folds = foldsOf(examples);
    examples.forEach((example, index) => expect(folds[index]).toBe(folds[examples.findIndex((other) => other.group === example.group)]));
    expect(new Set(folds).size).toBe(FOLDS);
  });

  it('trains only on the training part, under one name per model', () => {
    const dataset: MultiDataset = {
      models: ['mistralai/mixtral-8x7b-chat', 'gpt4_1106_preview'],
      prompts: [
        { id: 'a', task: 'arc-challenge', text: 'x', part: 'train' as const, quality: { 'mistralai/mixtral-8x7b-chat': 1, gpt4_1106_preview: 0.5 }, cost: {} },
        { id: 'b', task: 'winogrande', text: 'y', part: 'heldout' as const, quality: { 'mistralai/mixtral-8x7b-chat': 1 }, cost: {} },
      ],
    };
    const examples = fromMulti(dataset, 'routerbench', ['gpt4_1106_preview']);
    expect(examples.map((example) => example.id)).toEqual(['routerbench:a']);
    expect(examples[0].quality).toEqual({ [canonicalModel('mistralai/mixtral-8x7b-chat')]: 1 });
    expect(canonicalModel('MISTRALAI/MIXTRAL-8X7B-CHAT')).toBe('mistralai/Mixtral-8x7B-Instruct-v0.1');
  });
});
