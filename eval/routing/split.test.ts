import { describe, expect, it } from 'vitest';
import { alpacaPart, GSM8K_PART, mmluPart, MT_BENCH_PART, routerBenchPart } from './split';

describe('routing eval split', () => {
  it.each([
    ['mmlu_abstract_algebra.csv', 'train'],
    ['mmlu_moral_scenarios.csv', 'train'],
    ['mmlu_nutrition.csv', 'heldout'],
    ['mmlu_philosophy.csv', 'heldout'],
    ['mmlu_world_religions.csv', 'heldout'],
  ])('MMLU %s is %s', (file, part) => {
    expect(mmluPart(file)).toBe(part);
  });

  it('keeps GSM8K for training and MT-Bench held out', () => {
    expect(GSM8K_PART).toBe('train');
    expect(MT_BENCH_PART).toBe('heldout');
  });

  it('trains on ARC-Challenge and MBPP, holds out Winogrande, refuses unknown tasks', () => {
    expect(routerBenchPart('arc-challenge')).toBe('train');
    expect(routerBenchPart('mbpp')).toBe('train');
    expect(routerBenchPart('winogrande')).toBe('heldout');
    expect(() => routerBenchPart('hellaswag')).toThrow(/unknown/);
  });

  it('trains on AlpacaEval prompts 1-400 (indexes 0-399) and holds out 401 on', () => {
    expect(alpacaPart(0)).toBe('train');
    expect(alpacaPart(399)).toBe('train');
    expect(alpacaPart(400)).toBe('heldout');
    expect(alpacaPart(804)).toBe('heldout');
  });
});
