import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../resilience/random';
import { decayed, emptyArm, HALF_LIFE_MS, observe, posterior, PRIOR_OBSERVATIONS, sampleResidual } from './bandit';
import { AutoLearning } from './learning';
import { keepLearningIn } from './learning-file';
import { learnFromOutcome } from './observe-outcome';
import type { LedgerEntry } from '../../ledger/types';
import type { LedgerAuto } from './types';

const AUTO: LedgerAuto = { mode: 'hybrid', decidedBy: 'learning', validation: 'validated', confidence: 0.9, confidenceLevel: 'high', pattern: 'code', complexity: 0.5, predictedQuality: 0.9, predictedCostUsd: 0.001, candidates: [{ deployment: 'cheap', quality: 0.9, costUsd: 0.001 }] };

describe('the bandit arm', () => {
  it('starts at the model’s prediction (residual 0) and moves towards what is observed, shrunk by the prior', () => {
    const now = 1_000;
    expect(posterior(undefined, now)).toMatchObject({ mean: 0, observations: 0 });
    let arm = emptyArm(now);
    for (let index = 0; index < 12; index += 1) arm = observe(arm, 0.4, 0.9, now);
    const belief = posterior(arm, now);
    expect(belief.mean).toBeCloseTo((12 * -0.5) / (PRIOR_OBSERVATIONS + 12), 10);
    expect(belief.sd).toBeLessThan(posterior(undefined, now).sd);
  });

  it('halves old observations every half-life', () => {
    const arm = observe(emptyArm(0), 1, 0.5, 0);
    expect(decayed(arm, HALF_LIFE_MS)).toMatchObject({ weight: 0.5, residualSum: 0.25, scoreSum: 0.5 });
  });

  it('samples around the posterior mean with its spread, from the injected source', () => {
    const belief = { mean: -0.2, sd: 0.05, observations: 10 };
    const random = seededRandom(9);
    const draws = Array.from({ length: 4_000 }, () => sampleResidual(belief, random));
    const mean = draws.reduce((sum, draw) => sum + draw, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((sum, draw) => sum + (draw - mean) ** 2, 0) / draws.length);
    expect(mean).toBeCloseTo(-0.2, 2);
    expect(sd).toBeCloseTo(0.05, 2);
    expect(sampleResidual(belief, seededRandom(9))).toBe(sampleResidual(belief, seededRandom(9)));
  });
});

describe('AutoLearning', () => {
  it('matches feedback to the remembered decision and its arm; unknown requests get undefined', () => {
    const learning = new AutoLearning(() => 5_000);
    learning.remember('r1', 'auto', 'cheap', AUTO);
    expect(learning.feedback('nope', 1)).toBeUndefined();
    const outcome = learning.feedback('r1', 0.5);
    expect(outcome).toMatchObject({ requestId: 'r1', route: 'auto', pattern: 'code', deployment: 'cheap', predictedQuality: 0.9, score: 0.5, observations: 1 });
    expect(outcome!.residual).toBeCloseTo(-0.4 / (PRIOR_OBSERVATIONS + 1), 4);
    expect(learning.arms()).toEqual([{ route: 'auto', pattern: 'code', deployment: 'cheap', observations: 1, meanScore: 0.5, residual: expect.any(Number) }]);
    expect(learning.totals()).toEqual({ feedback: 1, meanScore: 0.5, remembered: 1 });
  });

  it('remembers a bounded number of decisions, forgetting the oldest', () => {
    const learning = new AutoLearning(() => 0, 3);
    for (const id of ['a', 'b', 'c', 'd']) learning.remember(id, 'auto', 'cheap', AUTO);
    expect(learning.decision('a')).toBeUndefined();
    expect(learning.decision('d')).toBeDefined();
    expect(learning.totals().remembered).toBe(3);
  });
});

describe('the learning file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const fileIn = () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-learning-'));
    dirs.push(dir);
    return join(dir, 'junction.learning.json');
  };

  it('keeps what was learned across a restart', () => {
    const path = fileIn();
    const first = new AutoLearning(() => 1_000);
    const kept = keepLearningIn(path, first);
    first.remember('r1', 'auto', 'cheap', AUTO);
    first.feedback('r1', 0.1);
    kept.close();
    const second = new AutoLearning(() => 1_000);
    keepLearningIn(path, second).close();
    expect(second.arm('auto', 'code', 'cheap')).toEqual(first.arm('auto', 'code', 'cheap'));
    expect(second.totals().feedback).toBe(1);
  });

  it('sets an unreadable file aside and starts afresh, saying so', () => {
    const path = fileIn();
    writeFileSync(path, '{"version": 1, "arms": [["x", {"weight": "many"}]]');
    const errors: string[] = [];
    const learning = new AutoLearning(() => 0);
    keepLearningIn(path, learning, { onError: (message) => errors.push(message) }).close();
    expect(errors[0]).toContain('unreadable');
    expect(existsSync(`${path}.unreadable`)).toBe(true);
    expect(learning.arms()).toEqual([]);
  });

  it('writes only when something changed', () => {
    const path = fileIn();
    const learning = new AutoLearning(() => 0);
    const kept = keepLearningIn(path, learning);
    kept.save();
    expect(existsSync(path)).toBe(false);
    learning.remember('r', 'auto', 'cheap', AUTO);
    learning.feedback('r', 1);
    kept.save();
    expect(JSON.parse(readFileSync(path, 'utf8')).feedback.count).toBe(1);
    kept.close();
  });
});

describe('learning from outcomes', () => {
  const entry = (errorCode: string | undefined): LedgerEntry => ({
    requestId: 'r',
    timestamp: 0,
    route: 'auto',
    ingress: 'openai',
    endpoint: 'chat',
    stream: true,
    attempts: [
      { deployment: 'cheap', outcome: errorCode ? 'error' : 'success', ...(errorCode ? { errorCode } : {}), latencyMs: 5, inputTokens: 0, outputTokens: 0, costUsd: 0 },
      { deployment: 'strong', outcome: 'success', latencyMs: 5, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    ],
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    latencyMs: 10,
    status: 200,
    auto: { ...AUTO, modelQuality: 0.8 },
  });

  it.each([
    ['a malformed answer', 'upstream_bad_response', 1],
    ['a stream cut short', 'upstream_stream_truncated', 1],
    ['a timeout (health’s business)', 'upstream_timeout', 0],
    ['a success', undefined, 0],
  ])('%s from the chosen deployment: %s', (_name, errorCode, observations) => {
    const learning = new AutoLearning(() => 0);
    learnFromOutcome(learning, entry(errorCode));
    expect(learning.arm('auto', 'code', 'cheap')?.weight ?? 0).toBe(observations);
    if (observations > 0) expect(learning.arm('auto', 'code', 'cheap')?.residualSum).toBeCloseTo(-0.8, 10);
    expect(learning.arm('auto', 'code', 'strong')).toBeUndefined();
  });
});
