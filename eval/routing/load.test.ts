import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePythonListPrompt, loadAlpaca, loadGsm8k, loadMmlu, loadMtBench, loadRouterBench } from './load';

const fixtures = join(import.meta.dirname, '__fixtures__', 'routing-eval');

describe('routing eval loaders (fixtures in the data formats)', () => {
  it('reads MMLU, drops contaminated prompts, and splits by subject file name', () => {
    const { prompts } = loadMmlu(fixtures);
    expect(prompts.map((prompt) => [prompt.id, prompt.part, prompt.weak, prompt.strong])).toEqual([
      ['mmlu_anatomy.csv#0', 'train', 1, 1],
      ['mmlu_anatomy.csv#1', 'train', 0, 1],
      ['mmlu_nutrition.csv#0', 'heldout', 1, 0],
    ]);
    expect(prompts[1].text).toContain('"inner ear"');
  });

  it('reads GSM8K as training data', () => {
    const { prompts } = loadGsm8k(fixtures);
    expect(prompts.map((prompt) => [prompt.part, prompt.weak, prompt.strong])).toEqual([
      ['train', 1, 1],
      ['train', 0, 1],
    ]);
  });

  it('reads MT-Bench: first turn routed, both turns averaged, failed judgements and contaminated questions dropped', () => {
    const { prompts } = loadMtBench(fixtures);
    expect(prompts.map((prompt) => [prompt.id, prompt.text, prompt.weak, prompt.strong, prompt.part])).toEqual([
      ['mt-bench#81', 'Write a poem.', 8.5, 9.5, 'heldout'],
      ['mt-bench#82', 'Solve x + 1 = 3, then explain each step.', 5, 10, 'heldout'],
    ]);
  });

  it('reads AlpacaEval against gpt4_1106_preview, prompts 1-400 for training', () => {
    const { prompts } = loadAlpaca(fixtures, 'gpt-3.5-turbo-1106');
    expect(prompts.map((prompt) => [prompt.id, prompt.weak, prompt.strong, prompt.part])).toEqual([
      ['alpaca#0', 0.25, 0.5, 'train'],
      ['alpaca#399', 0, 0.5, 'train'],
      ['alpaca#400', 0.75, 0.5, 'heldout'],
    ]);
  });

  it('reads RouterBench: models from the cost columns, empty scores as 0, split by task', () => {
    const { models, prompts } = loadRouterBench(fixtures);
    expect(models).toEqual(['gpt-4-1106-preview', 'mistralai/mistral-7b-chat']);
    expect(prompts.map((prompt) => [prompt.task, prompt.part])).toEqual([
      ['arc-challenge', 'train'],
      ['arc-challenge', 'train'],
      ['mbpp', 'train'],
      ['winogrande', 'heldout'],
      ['winogrande', 'heldout'],
    ]);
    expect(prompts[2].quality['mistralai/mistral-7b-chat']).toBe(0);
    expect(prompts[0].cost['gpt-4-1106-preview']).toBe(0.01);
    expect(prompts[1].text).toBe("A longer and much harder question, with 'quotes' and more words in it?\nA) yes");
  });

  it('decodes Python list literals and leaves other text alone', () => {
    expect(decodePythonListPrompt("['a\\nb']")).toBe('a\nb');
    expect(decodePythonListPrompt('["it\'s"]')).toBe("it's");
    expect(decodePythonListPrompt('plain')).toBe('plain');
  });
});
