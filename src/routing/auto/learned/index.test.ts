import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shippedPredictor } from './index';

const MODEL = new URL('./quality-model.json', import.meta.url);

describe('the shipped quality model', () => {
  it('loads once, with a documented version', () => {
    const predictor = shippedPredictor();
    expect(shippedPredictor()).toBe(predictor);
    expect(predictor.version).toMatch(/^quality-model-v1 \(trained \d{4}-\d{2}-\d{2}, [\d,]+ outcomes\)$/);
  });

  it('stays small', () => {
    expect(statSync(MODEL).size).toBeLessThanOrEqual(600 * 1024);
  });

  it('knows the recorded models under their names in the data and their aliases', () => {
    const predictor = shippedPredictor();
    const prompt = predictor.analyse('What is the capital of France?', 1);
    for (const name of ['gpt-4-1106-preview', 'gpt4_1106_preview', 'mistralai/Mixtral-8x7B-Instruct-v0.1', 'mistralai/mixtral-8x7b-chat', 'GPT-3.5-TURBO-1106', 'claude-2']) {
      const quality = predictor.quality(prompt, name);
      expect(quality, name).toBeGreaterThan(0);
      expect(quality, name).toBeLessThan(1);
    }
    expect(predictor.quality(prompt, 'gpt-99')).toBeUndefined();
    const abilities = predictor.models().map((model) => model.ability);
    expect(Math.min(...abilities)).toBe(0);
    expect(Math.max(...abilities)).toBe(1);
    expect(predictor.models().find((model) => model.name === 'gpt-4-1106-preview')?.ability).toBeGreaterThan(0.5);
  });

  it('gives support in [0, 1], higher for an exam question than for gibberish', () => {
    const predictor = shippedPredictor();
    const exam = predictor.support(predictor.analyse('Which of the following best describes the function of the liver?\nA. digestion\nB. filtration', 1));
    const gibberish = predictor.support(predictor.analyse('zqxv wplk mmrt ghjj', 1));
    expect(exam).toBeGreaterThan(0.8);
    expect(gibberish).toBeLessThan(exam);
    expect(gibberish).toBeGreaterThanOrEqual(0);
  });
});
