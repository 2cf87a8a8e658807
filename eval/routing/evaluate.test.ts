import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedPredictor } from '../../src/routing/auto/learned';
import { evaluateMulti, evaluatePairs } from './evaluate';
import { learnedRouter } from './learned-router';
import { loadMmlu, loadRouterBench } from './load';

const fixtures = join(import.meta.dirname, '__fixtures__', 'routing-eval');
const byLength = (text: string): number => text.length;

describe('evaluation over fixtures', () => {
  it('reports every router for each part, training and held-out apart', () => {
    const rows = evaluatePairs(loadMmlu(fixtures), byLength);
    expect(rows.map((row) => `${row.part}:${row.router}`)).toEqual([
      'train:random (expected)',
      'train:prompt length',
      'train:complexity',
      'train:oracle',
      'heldout:random (expected)',
      'heldout:prompt length',
      'heldout:complexity',
      'heldout:oracle',
    ]);
    const train = rows.filter((row) => row.part === 'train');
    // Training MMLU fixture: the longer prompt is the one GPT-4 gains on, so length routing is perfect.
    expect(train[1].summary.apgr).toBeCloseTo(train[3].summary.apgr, 12);
    expect(train[1].summary.cpt50).toBeCloseTo(0.25, 12);
  });

  it('scores RouterBench with baselines, the zero router and the oracle', () => {
    const rows = evaluateMulti(loadRouterBench(fixtures), byLength);
    const heldout = rows.filter((row) => row.part === 'heldout');
    const oracle = heldout.find((row) => row.router.startsWith('oracle'));
    expect(heldout[0].tasks).toBe('winogrande');
    // Winogrande fixture: each model right once; the oracle is right twice at (0.001 + 0.01) / 2.
    expect(oracle?.points).toEqual([{ cost: 0.0055, quality: 1 }]);
    expect(oracle?.costShareAtGpt4Quality).toBeCloseTo(0.55, 12);
    expect(heldout.find((row) => row.router.startsWith('zero router'))?.aiq).toBeCloseTo(0.5, 12);
  });

  it('adds the learned router, named in-sample on the training part, and times its decisions', () => {
    const learned = learnedRouter(shippedPredictor());
    const pairs = evaluatePairs(loadMmlu(fixtures), byLength, learned);
    expect(pairs.map((row) => `${row.part}:${row.router}`)).toEqual([
      'train:random (expected)',
      'train:prompt length',
      'train:complexity',
      'train:learned (in-sample)',
      'train:oracle',
      'heldout:random (expected)',
      'heldout:prompt length',
      'heldout:complexity',
      'heldout:learned',
      'heldout:oracle',
    ]);
    expect(pairs.find((row) => row.router === 'learned')?.transfer).toBeDefined();
    const multi = evaluateMulti(loadRouterBench(fixtures), byLength, learned);
    const rows = multi.filter((row) => row.router.startsWith('learned'));
    expect(rows.map((row) => `${row.part}:${row.router}`)).toEqual(['train:learned (in-sample)', 'heldout:learned']);
    for (const row of rows) expect(row.points.length).toBeGreaterThan(1);
    expect(learned.decisions()).toBeGreaterThan(0);
  });

  it('scores training rows out of fold when given those predictions, and picks the transfer threshold on them', () => {
    const dataset = loadMmlu(fixtures);
    // Out-of-fold table that puts the training prompt GPT-4 gains on first (as the oracle would).
    const table = new Map(
      dataset.prompts
        .filter((prompt) => prompt.part === 'train')
        .map((prompt) => [prompt.text, new Map([[dataset.weakModel, prompt.weak], [dataset.strongModel, prompt.strong]])] as const),
    );
    const learned = learnedRouter(shippedPredictor(), table);
    const rows = evaluatePairs(dataset, byLength, learned);
    const train = rows.find((row) => row.part === 'train' && row.router === 'learned (5-fold CV)');
    const oracle = rows.find((row) => row.part === 'train' && row.router === 'oracle');
    expect(train?.summary.apgr).toBeCloseTo(oracle?.summary.apgr ?? NaN, 12);
    // Only held-out prompts went through the predictor.
    expect(learned.decisions()).toBe(dataset.prompts.filter((prompt) => prompt.part === 'heldout').length);
    expect(evaluateMulti(loadRouterBench(fixtures), byLength, learned).filter((row) => row.router.startsWith('learned')).map((row) => row.router)).toEqual(['learned (5-fold CV)', 'learned']);
  });

  it('leaves the learned router out of pairs whose models it does not know', () => {
    const learned = learnedRouter(shippedPredictor());
    const dataset = { ...loadMmlu(fixtures), weakModel: 'unknown-weak' };
    expect(evaluatePairs(dataset, byLength, learned).some((row) => row.router.startsWith('learned'))).toBe(false);
  });
});

// The real data is not in the repository; these run only where it has been fetched.
const data = process.env.JUNCTION_ROUTING_EVAL_DATA;
describe.skipIf(data === undefined || !existsSync(data ?? ''))('evaluation over the real data', () => {
  it('reproduces the data README anchors for prompt length and the oracle on all of MMLU', () => {
    const dataset = loadMmlu(data as string);
    expect(dataset.prompts).toHaveLength(14_037);
    const rows = evaluatePairs({ ...dataset, prompts: dataset.prompts.map((prompt) => ({ ...prompt, part: 'train' as const })) }, byLength);
    expect(rows.find((row) => row.router === 'prompt length')?.summary.apgr).toBeCloseTo(0.586, 3);
    expect(rows.find((row) => row.router === 'oracle')?.summary.apgr).toBeCloseTo(1.285, 3);
  });
});
