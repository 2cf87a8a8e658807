/**
 * The cost-optimiser service API end to end: a real Junction over loopback HTTP in front of the
 * simulated upstreams. /complete runs a real request (routed, ledgered) and reports its decision,
 * tokens and cost as the ledger row has them; the reads call no upstream; /routing/metrics,
 * /stats and /cache/stats agree with figures recomputed here from the ledger's own rows.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/ledger/types';
import { costOf } from '../../src/routing/cost';
import type { Harness } from '../support/harness';
import { AUTO_PRICES, call, optimizerHarness, postJson, utcDay } from '../support/optimizer';

let harness: Harness;
beforeAll(async () => {
  harness = await optimizerHarness();
});
afterEach(() => harness.reset());
afterAll(() => harness.close());

const SIMPLE = 'What is the capital of France?';
const HARD = `Prove that the sum of the first n odd numbers is n squared, then write a Python function that checks it
for n up to 1000 with a unit test, and analyse its time complexity step by step. ${'Explain each step carefully. '.repeat(30)}`;

const complete = (body: unknown, headers?: Record<string, string>) => postJson(`${harness.url}/complete`, body, headers);
const get = (path: string) => call(harness.url + path);
const entries = () => harness.junction.ledger.query();
const pricing = (prices: { input: number; output: number }) => ({ inputPerMillion: prices.input, outputPerMillion: prices.output });

describe('POST /complete', () => {
  it('answers through the auto route in complexity mode by default, every field as the ledger row has it', async () => {
    const { status, body, headers } = await complete({ prompt: SIMPLE, max_tokens: 64 });
    expect(status).toBe(200);
    const [row] = await entries();
    expect(row.requestId).toBe(headers.get('x-request-id'));
    expect(row).toMatchObject({ route: 'auto', status: 200, strategy: 'auto', endpoint: 'chat' });

    expect(typeof body.response).toBe('string');
    expect(body.response.length).toBeGreaterThan(0);
    const deployment = harness.junction.services.catalog.deployments.get(row.deployment!)!;
    expect(body).toMatchObject({ provider: deployment.provider, model: deployment.model, strategy_used: 'complexity', cache_hit: false });
    expect(body.confidence).toBe(row.auto!.confidence);
    expect(body.confidence).toBeGreaterThanOrEqual(0);
    expect(body.confidence).toBeLessThanOrEqual(1);
    expect(body.complexity_metadata).toEqual({ score: row.auto!.complexity, pattern: row.auto!.pattern });
    expect(body.routing_metadata).toMatchObject({ request_id: row.requestId, route: 'auto', deployment: row.deployment, attempts: 1, fallback_tier: null });
    const decision = body.routing_metadata.decision;
    expect(decision).toMatchObject({ mode: 'complexity', decided_by: 'complexity', validation: null, confidence: body.confidence, quality_floor: 0.8, max_cost: null });
    expect(['high', 'medium', 'low']).toContain(decision.confidence_level);
    expect(decision.candidates.map((candidate: any) => candidate.deployment).sort()).toEqual(['auto-cheap', 'auto-mid', 'auto-strong']);
    expect(decision.candidates[0].deployment).toBe(row.deployment);
    expect(decision.candidates[0].predicted_quality).toBe(row.auto!.predictedQuality);
    expect(typeof decision.reason).toBe('string');

    expect(body.tokens_in).toBe(row.inputTokens);
    expect(body.tokens_out).toBe(row.outputTokens);
    expect(body.tokens_in).toBeGreaterThan(0);
    expect(body.tokens_out).toBeGreaterThan(0);
    expect(body.cost).toBe(row.costUsd);
    expect(body.cost).toBeCloseTo(costOf({ inputTokens: row.inputTokens, outputTokens: row.outputTokens }, deployment.pricing), 15);
    expect(row.auto).toMatchObject({ mode: 'complexity', decidedBy: 'complexity', confidenceLevel: decision.confidence_level });
    // The decision's response headers, as on /v1/chat/completions.
    expect(headers.get('x-junction-pattern')).toBe(body.complexity_metadata.pattern);
    expect(headers.get('x-junction-auto')).toBe('complexity; decided-by=complexity');
  });

  it('lets the route’s own mode (hybrid) decide with auto_route: true, and says whether learning was validated', async () => {
    const { status, body } = await complete({ prompt: SIMPLE, auto_route: true, tokenizer_id: 'o200k_base' });
    expect(status).toBe(200);
    expect(body.routing_metadata.decision.mode).toBe('hybrid');
    expect(['validated', 'fallback']).toContain(body.routing_metadata.decision.validation);
    expect(body.strategy_used).toBe(body.routing_metadata.decision.validation === 'validated' ? 'learning' : 'complexity');
    expect((await entries())[0].auto).toMatchObject({ mode: 'hybrid', decidedBy: body.strategy_used });
  });

  it('reports today’s total cost from the ledger, this request included', async () => {
    const first = await complete({ prompt: SIMPLE });
    const second = await complete({ prompt: HARD, max_tokens: 200 });
    const today = utcDay(Date.now());
    const spentToday = (await entries()).filter((entry) => utcDay(entry.timestamp) === today).reduce((sum, entry) => sum + entry.costUsd, 0);
    expect(second.body.total_cost_today).toBeCloseTo(spentToday, 12);
    expect(second.body.total_cost_today).toBeGreaterThanOrEqual(first.body.total_cost_today + second.body.cost - 1e-12);
  });
});

describe('reads: nothing executed', () => {
  async function unchanged<T>(read: () => Promise<T>): Promise<T> {
    const upstream = harness.simulator.stats().requests;
    const rows = await harness.junction.ledger.count();
    const result = await read();
    expect(harness.simulator.stats().requests).toBe(upstream);
    expect(await harness.junction.ledger.count()).toBe(rows);
    return result;
  }

  it('GET /recommendation is always hybrid: provider, model, confidence, reasoning and the decision’s metadata', async () => {
    const { status, body } = await unchanged(() => get(`/recommendation?prompt=${encodeURIComponent(SIMPLE)}`));
    expect(status).toBe(200);
    const deployment = harness.junction.services.catalog.deployments.get(body.deployment)!;
    expect(body).toMatchObject({ provider: deployment.provider, model: deployment.model });
    expect(body.strategy_used).toBe(body.metadata.validation === 'validated' ? 'learning' : 'complexity');
    expect(['validated', 'fallback']).toContain(body.metadata.validation);
    expect(body.confidence).toBeGreaterThanOrEqual(0);
    expect(typeof body.reasoning).toBe('string');
    expect(body.reasoning.length).toBeGreaterThan(0);
    expect(body.metadata).toMatchObject({ pattern: expect.any(String), complexity: expect.any(Number), quality_score: expect.any(Number), cost_estimate: expect.any(Number) });
    // Always hybrid, whatever the caller asks for.
    const forced = await get(`/recommendation?prompt=${encodeURIComponent(SIMPLE)}&auto_route=false`);
    expect(forced.body.metadata.validation).toBe(body.metadata.validation);
  });

  it('GET /routing/decision: complexity unless auto_route, with the plan and the decision', async () => {
    const prompt = encodeURIComponent(HARD);
    const safe = await unchanged(() => get(`/routing/decision?prompt=${prompt}`));
    expect(safe.status).toBe(200);
    expect(safe.body).toMatchObject({ route: 'auto', strategy: 'auto', strategy_used: 'complexity', decision: { mode: 'complexity', decided_by: 'complexity' } });
    expect(safe.body.plan.map((step: any) => step.deployment)).toEqual(safe.body.decision.candidates.map((candidate: any) => candidate.deployment));
    expect(safe.body.metadata).toMatchObject({ pattern: safe.body.auto.pattern, complexity: safe.body.auto.complexity, confidence: safe.body.decision.confidence, validation: null });
    expect(safe.body.metadata.quality_score).toBe(safe.body.decision.candidates[0].predicted_quality);
    expect(safe.body.metadata.cost_estimate).toBe(safe.body.decision.candidates[0].estimated_cost);

    const routed = await unchanged(() => get(`/routing/decision?prompt=${prompt}&auto_route=true`));
    expect(routed.body.decision.mode).toBe('hybrid');
  });
});

describe('figures from the ledger', () => {
  it('GET /routing/metrics: savings against the baseline, by strategy and confidence, as recomputed from the rows', async () => {
    for (const prompt of [SIMPLE, HARD, 'hi', 'Write a haiku about the sea.']) await complete({ prompt, max_tokens: 100 });
    await complete({ prompt: HARD, auto_route: true });
    const { status, body } = await get('/routing/metrics?days=7');
    expect(status).toBe(200);

    const since = Date.now() - 7 * 86_400_000;
    const routed = (await entries()).filter((entry): entry is LedgerEntry & Required<Pick<LedgerEntry, 'auto'>> => entry.auto !== undefined && entry.timestamp >= since);
    expect(routed.length).toBeGreaterThanOrEqual(5);
    const baselineOf = (entry: LedgerEntry) => costOf({ inputTokens: entry.inputTokens, outputTokens: entry.outputTokens, cachedInputTokens: entry.cachedInputTokens }, pricing(AUTO_PRICES['auto-strong']));
    const intelligent = routed.reduce((sum, entry) => sum + entry.costUsd, 0);
    const baseline = routed.reduce((sum, entry) => sum + baselineOf(entry), 0);
    expect(body.baseline).toEqual({ deployment: 'auto-strong', model: 'gpt-4o' });
    expect(body.cost_savings.period_days).toBe(7);
    expect(body.cost_savings.intelligent_cost).toBeCloseTo(intelligent, 12);
    expect(body.cost_savings.baseline_cost).toBeCloseTo(baseline, 12);
    expect(body.cost_savings.total_saved).toBeCloseTo(baseline - intelligent, 12);
    expect(body.cost_savings.percent_saved).toBeCloseTo(((baseline - intelligent) / baseline) * 100, 9);
    // Cheap deployments answered some of them, so routing saved money against always the strong one.
    expect(body.cost_savings.total_saved).toBeGreaterThan(0);

    const count = (key: (entry: (typeof routed)[number]) => string) => routed.reduce<Record<string, number>>((counts, entry) => ({ ...counts, [key(entry)]: (counts[key(entry)] ?? 0) + 1 }), {});
    const requestsOf = (groups: Record<string, { requests: number }>) => Object.fromEntries(Object.entries(groups).map(([name, group]) => [name, group.requests]));
    expect(requestsOf(body.by_strategy)).toEqual(count((entry) => entry.auto.decidedBy));
    expect(requestsOf(body.by_confidence)).toEqual(count((entry) => entry.auto.confidenceLevel));
    const complexityRows = routed.filter((entry) => entry.auto.decidedBy === 'complexity');
    expect(body.by_strategy.complexity.cost).toBeCloseTo(complexityRows.reduce((sum, entry) => sum + entry.costUsd, 0), 12);
    expect(body.by_strategy.complexity.baseline_cost).toBeCloseTo(complexityRows.reduce((sum, entry) => sum + baselineOf(entry), 0), 12);
    expect(body.by_strategy.complexity.modes.complexity).toBe(complexityRows.filter((entry) => entry.auto.mode === 'complexity').length);
    for (const [level, group] of Object.entries<any>(body.by_confidence)) {
      const rows = routed.filter((entry) => entry.auto.confidenceLevel === level);
      expect(group.cost).toBeCloseTo(rows.reduce((sum, entry) => sum + entry.costUsd, 0), 12);
      expect(group.mean_confidence).toBeCloseTo(rows.reduce((sum, entry) => sum + entry.auto.confidence, 0) / rows.length, 12);
    }
  });

  it('GET /stats: requests, tokens and cost today and overall, by route and deployment', async () => {
    await complete({ prompt: SIMPLE });
    await postJson(`${harness.url}/v1/chat/completions`, { model: 'to-openai', messages: [{ role: 'user', content: 'hi' }] });
    const { status, body } = await get('/stats');
    expect(status).toBe(200);
    const rows = await entries();
    const today = rows.filter((entry) => utcDay(entry.timestamp) === utcDay(Date.now()));
    const totals = (list: LedgerEntry[]) => ({
      requests: list.length,
      errors: list.filter((entry) => entry.status >= 400).length,
      tokens_in: list.reduce((sum, entry) => sum + entry.inputTokens, 0),
      tokens_out: list.reduce((sum, entry) => sum + entry.outputTokens, 0),
    });
    expect(body.time_zone).toBe('UTC');
    expect(body.today.day).toBe(utcDay(Date.now()));
    expect(body.overall).toMatchObject(totals(rows));
    expect(body.today).toMatchObject(totals(today));
    expect(body.overall.cost).toBeCloseTo(rows.reduce((sum, entry) => sum + entry.costUsd, 0), 12);
    const autoRoute = body.overall.by_route.find((group: any) => group.route === 'auto');
    expect(autoRoute).toMatchObject(totals(rows.filter((entry) => entry.route === 'auto')));
    expect(body.overall.by_route.find((group: any) => group.route === 'to-openai').requests).toBeGreaterThanOrEqual(1);
    const mini = body.overall.by_deployment.find((group: any) => group.deployment === 'openai-mini');
    expect(mini).toMatchObject(totals(rows.filter((entry) => entry.deployment === 'openai-mini')));
  });

  it('GET /cache/stats: no route here caches, so nothing is looked up and the note says how to turn it on', async () => {
    await complete({ prompt: SIMPLE });
    const { status, body } = await get('/cache/stats');
    expect(status).toBe(200);
    expect(body).toMatchObject({ enabled: false, backend: 'memory', entries: 0, hits: 0, misses: 0, hit_rate: 0, routes: [] });
    expect(body.note).toContain('add a cache section to a route');
  });
});

describe('GET /providers', () => {
  it('lists every provider with its deployments: health, prices, ability and routes', async () => {
    const { status, body } = await get('/providers');
    expect(status).toBe(200);
    const { catalog } = harness.junction.services;
    expect(body.providers.map((provider: any) => provider.id).sort()).toEqual([...catalog.providers.keys()].sort());
    const openai = body.providers.find((provider: any) => provider.id === 'sim-openai');
    expect(openai).toMatchObject({ kind: 'openai', region: null, available: true });
    const strong = openai.deployments.find((deployment: any) => deployment.id === 'auto-strong');
    expect(strong).toMatchObject({
      model: 'gpt-4o',
      pricing: { input: 2.5, output: 10, cached_input: 2.5 },
      context_window: 128_000,
      quality: 0.95,
      ability: 0.95,
      routes: ['auto'],
      available: true,
      health: { deployment: 'auto-strong', breaker: { status: 'closed' }, successRate: 1 },
    });
    const unrated = openai.deployments.find((deployment: any) => deployment.id === 'openai-mini');
    expect(unrated).toMatchObject({ quality: null, ability: 0.5 });
    expect(unrated.routes).toEqual(expect.arrayContaining(['to-openai', 'dead-then-openai']));
  });
});
