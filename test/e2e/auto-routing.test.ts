/**
 * Auto-routing end to end over HTTP against the simulator: `model: "auto"` picks the cheap
 * deployment for an easy prompt and the strong one for a hard prompt, says why in headers
 * (streamed or not) and in the decision preview; request headers move the floor and the cost
 * ceiling within what the route allows; feedback over HTTP shifts a pattern's choice, shows in
 * the quality stats and insights, and survives a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJunction } from '../../src/app';
import { createLogger } from '../../src/observability/logger';
import type { QualityPredictor } from '../../src/routing/auto/predictor';
import { startSimulator } from '../../src/simulator';
import { seededRandom, startHarness, testConfig, type ConfigOverrides, type Harness } from '../support/harness';

const EASY = 'What is the capital of France?';
const HARD =
  'Write a Python function that parses a CSV file, then compute the average of each numeric column step by step, and finally explain the trade-offs of streaming versus loading the whole file. You must handle quoted fields, must not use pandas, and should include unit tests.\n' +
  'Consider the following data layout and constraints carefully. '.repeat(40);

/** The learned model says the cheap model handles everything well: only feedback can teach it otherwise. */
const optimistic: QualityPredictor = {
  version: 'test-optimistic',
  analyse: () => ({ difficulty: 0 }),
  quality: (_prompt, model) => ({ 'gemini-flash': 0.95, 'gpt-4o': 0.97 })[model],
  qualityAt: (_prompt, ability) => ability,
  support: () => 1,
};

const overrides: ConfigOverrides = {
  deployments: {
    'auto-cheap': { provider: 'sim-gemini', model: 'gemini-flash', pricing: { input: 0.1, output: 0.4 }, contextWindow: 1_000_000, capabilities: ['chat', 'streaming'], quality: 0.7 },
    'auto-strong': { provider: 'sim-openai', model: 'gpt-4o', pricing: { input: 2.5, output: 10 }, contextWindow: 128_000, capabilities: ['chat', 'streaming'], quality: 0.9 },
  },
  routes: {
    auto: { strategy: 'auto', strategyOptions: { qualityFloor: 0.9, auto: { mode: 'complexity' } }, deployments: ['auto-strong', 'auto-cheap'] },
    'auto-locked': { strategy: 'auto', strategyOptions: { qualityFloor: 0.9 }, deployments: ['auto-strong', 'auto-cheap'], overrides: { auto: false } },
    'auto-learning': { strategy: 'auto', strategyOptions: { qualityFloor: 0.85, auto: { mode: 'learning' } }, deployments: ['auto-strong', 'auto-cheap'] },
  },
};

let harness: Harness;
let client: OpenAI;
beforeAll(async () => {
  harness = await startHarness({ ...overrides, predictor: optimistic, junctionRandom: seededRandom(11) });
  client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => harness.close());

const ask = (model: string, text: string, headers: Record<string, string> = {}) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: text }], max_tokens: 64 }, { headers }).withResponse();

describe('model "auto"', () => {
  it('sends an easy prompt to the cheap deployment and a hard one to the strong one, saying why in headers', async () => {
    const easy = await ask('auto', EASY);
    expect(easy.response.headers.get('x-junction-deployment')).toBe('auto-cheap');
    expect(easy.response.headers.get('x-junction-strategy')).toBe('auto');
    expect(easy.response.headers.get('x-junction-auto')).toBe('complexity; decided-by=complexity');
    expect(easy.response.headers.get('x-junction-pattern')).toBe('simple_question');
    expect(easy.response.headers.get('x-junction-confidence')).toMatch(/^(high|medium|low); 0\.\d+|^(high|medium|low); 1$/);
    expect(Number(easy.response.headers.get('x-junction-predicted-quality'))).toBeGreaterThanOrEqual(0.9);
    expect(easy.data.choices[0]?.message.content).toBeTruthy();

    const hard = await ask('auto', HARD);
    expect(hard.response.headers.get('x-junction-deployment')).toBe('auto-strong');
    expect(hard.response.headers.get('x-junction-pattern')).toBe('code');
    expect(Number(hard.response.headers.get('x-junction-complexity'))).toBeGreaterThan(0.5);
  });

  it('streams with the same decision headers', async () => {
    const { response } = await client.chat.completions.create({ model: 'auto', stream: true, messages: [{ role: 'user', content: HARD }] }).withResponse();
    expect(response.headers.get('x-junction-deployment')).toBe('auto-strong');
    expect(response.headers.get('x-junction-auto')).toContain('complexity');
  });

  it('lets a request raise the floor or cap the cost where the route allows, and refuses it where it does not', async () => {
    const demanding = await ask('auto', EASY, { 'x-junction-quality-floor': '0.9999' });
    expect(demanding.response.headers.get('x-junction-deployment')).toBe('auto-strong');
    const capped = await ask('auto', HARD, { 'x-junction-max-cost': '0.0001' });
    expect(capped.response.headers.get('x-junction-deployment')).toBe('auto-cheap');

    await expect(ask('auto-locked', EASY, { 'x-junction-quality-floor': '0.95' })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('routes.auto-locked.overrides') });
    await expect(ask('auto', EASY, { 'x-junction-quality-floor': 'high' })).rejects.toMatchObject({ status: 400, param: 'x-junction-quality-floor' });
    await expect(ask('auto', EASY, { 'x-junction-auto-mode': 'psychic' })).rejects.toMatchObject({ status: 400, param: 'x-junction-auto-mode' });
  });

  it('shows the whole decision in the preview, nothing executed', async () => {
    const before = harness.simulator.stats().requests;
    const response = await fetch(`${harness.url}/v1/routing/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: HARD }] }) });
    const preview = (await response.json()) as { strategy: string; auto: { pattern: string; confidence: { level: string; score: number }; candidates: Array<{ deployment: string; quality: number; costUsd: number }>; reason: string } };
    expect(preview.strategy).toBe('auto');
    expect(preview.auto.pattern).toBe('code');
    expect(preview.auto.candidates.map((estimate) => estimate.deployment)).toEqual(['auto-strong', 'auto-cheap']);
    for (const estimate of preview.auto.candidates) {
      expect(estimate.quality).toBeGreaterThan(0);
      expect(estimate.costUsd).toBeGreaterThan(0);
    }
    expect(preview.auto.reason).toContain('→ auto-strong');
    expect(harness.simulator.stats().requests).toBe(before);
  });
});

describe('feedback over HTTP', () => {
  const feedback = (body: unknown) => fetch(`${harness.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('shifts a pattern’s choice, and shows in quality stats and insights', async () => {
    const first = await ask('auto-learning', HARD);
    expect(first.response.headers.get('x-junction-deployment')).toBe('auto-cheap');
    expect(first.response.headers.get('x-junction-auto')).toBe('learning; decided-by=learning');
    let served = first;
    let scored = 0;
    while (served.response.headers.get('x-junction-deployment') === 'auto-cheap' && scored < 40) {
      const answer = await feedback({ request_id: served.response.headers.get('x-request-id'), score: 0.1 });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ accepted: true, deployment: 'auto-cheap', pattern: 'code', score: 0.1 });
      scored += 1;
      served = await ask('auto-learning', HARD);
    }
    expect(served.response.headers.get('x-junction-deployment')).toBe('auto-strong');
    expect(scored).toBeGreaterThanOrEqual(1);
    // An easy prompt is another pattern: still the cheap model.
    expect((await ask('auto-learning', EASY)).response.headers.get('x-junction-deployment')).toBe('auto-cheap');

    const stats = (await (await fetch(`${harness.url}/quality/stats`)).json()) as { feedback: { count: number; meanScore: number }; byPattern: Array<{ pattern: string }> };
    expect(stats.feedback).toEqual({ count: scored, meanScore: 0.1 });
    expect(stats.byPattern.map((row) => row.pattern)).toEqual(['code']);
    const insights = (await (await fetch(`${harness.url}/insights`)).json()) as { model: { version: string }; patterns: Array<{ route: string; pattern: string; winner: string; deployments: Array<{ residual: number }> }> };
    expect(insights.model.version).toBe('test-optimistic');
    expect(insights.patterns).toEqual([expect.objectContaining({ route: 'auto-learning', pattern: 'code', winner: 'auto-cheap', margin: null })]);
    // Each score says 0.1 where 0.95 was predicted; the prior is worth 8 observations.
    expect(insights.patterns[0]!.deployments[0]!.residual).toBeCloseTo((-0.85 * scored) / (8 + scored), 3);
  });

  it('refuses bad feedback with a clear 4xx', async () => {
    const unknown = await feedback({ request_id: 'never-seen', score: 0.5 });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'request_not_found', param: 'request_id' } });
    const served = await ask('auto', EASY);
    for (const [body, param] of [
      [{ request_id: served.response.headers.get('x-request-id'), score: 7 }, 'score'],
      [{ score: 0.5 }, 'request_id'],
      [{ request_id: served.response.headers.get('x-request-id') }, 'score'],
    ] as const) {
      const response = await feedback(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', param } });
    }
  });
});

describe('learning across a restart', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'junction-auto-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps what feedback taught in a file beside the ledger', async () => {
    const simulator = await startSimulator({ apiKey: 'test-key' });
    const base = testConfig(simulator.url, overrides);
    const config = { ...base, ledger: { ...base.ledger, kind: 'sqlite' as const, path: join(directory, 'junction.db') } };
    const start = () => startJunction(config, { port: 0, logger: createLogger('silent'), predictor: optimistic, random: seededRandom(5) });
    try {
      let junction = await start();
      const local = new OpenAI({ baseURL: `${junction.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const askLocal = () => local.chat.completions.create({ model: 'auto-learning', messages: [{ role: 'user', content: HARD }], max_tokens: 64 }).withResponse();
      for (let round = 0; round < 12; round += 1) {
        const served = await askLocal();
        if (served.response.headers.get('x-junction-deployment') !== 'auto-cheap') continue;
        const response = await fetch(`${junction.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ request_id: served.response.headers.get('x-request-id'), score: 0 }) });
        expect(response.status).toBe(200);
      }
      expect(junction.autoRouting.file).toBe(join(directory, 'junction.learning.json'));
      const learned = junction.autoRouting.learning.arm('auto-learning', 'code', 'auto-cheap');
      expect(learned?.weight).toBeGreaterThan(1.9);
      await junction.close();

      junction = await start();
      try {
        expect(junction.autoRouting.learning.arm('auto-learning', 'code', 'auto-cheap')).toEqual(learned);
        const again = new OpenAI({ baseURL: `${junction.url}/v1`, apiKey: 'unused', maxRetries: 0 });
        const served = await again.chat.completions.create({ model: 'auto-learning', messages: [{ role: 'user', content: HARD }], max_tokens: 64 }).withResponse();
        expect(served.response.headers.get('x-junction-deployment')).toBe('auto-strong');
      } finally {
        await junction.close();
      }
    } finally {
      await simulator.close();
    }
  });
});
