/**
 * The adaptive strategy over real HTTP against the simulator: three deployments whose speeds
 * swap halfway through. The route's learned weights follow the swap and the traffic follows the
 * weights (the decision preview says so), while a round-robin route over the same deployments
 * keeps spreading evenly. Quality feedback on an adaptively routed request reaches its learner.
 * Junction's and the simulator's random draws are seeded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, startHarness, type Harness } from '../support/harness';

let harness: Harness;
const deployment = (model: string) => ({ provider: 'sim-openai', model, pricing: { input: 1, output: 1 }, contextWindow: 8_000, capabilities: ['chat'] });
const PER_PHASE = 120;

beforeAll(async () => {
  harness = await startHarness({
    random: seededRandom(21),
    junctionRandom: seededRandom(22),
    deployments: { 'ad-a': deployment('ad-a-model'), 'ad-b': deployment('ad-b-model'), 'ad-c': deployment('ad-c-model') },
    routes: {
      'chat-adaptive': { deployments: ['ad-a', 'ad-b', 'ad-c'], strategy: 'adaptive', retry: { attempts: 0 } },
      'chat-rr': { deployments: ['ad-a', 'ad-b', 'ad-c'], strategy: 'round-robin', retry: { attempts: 0 } },
    },
  });
});
afterAll(() => harness.close());

function speeds(latencies: Record<string, number>): void {
  for (const [model, p50] of Object.entries(latencies)) harness.simulator.setBehaviour(model, { latencyMs: { p50, p99: p50 * 1.2 } });
}

/** Sends `count` requests to the route; the deployment that served each, in order. */
async function serve(route: string, count: number): Promise<string[]> {
  const served: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: route, messages: [{ role: 'user', content: `question ${index}` }] }) });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    served.push(response.headers.get('x-junction-deployment')!);
  }
  return served;
}

const share = (served: string[], id: string) => served.filter((entry) => entry === id).length / served.length;

describe('adaptive routing over HTTP', () => {
  it('learns the fastest deployment, follows a shift, and keeps exploring; round-robin does not', async () => {
    speeds({ 'ad-a-model': 4, 'ad-b-model': 60, 'ad-c-model': 25 });
    const first = await serve('chat-adaptive', PER_PHASE);
    const learner = harness.junction.adaptive.learner('chat-adaptive')!;
    expect(learner.weight('ad-a')!).toBeGreaterThan(0.6);
    expect(share(first.slice(PER_PHASE / 2), 'ad-a')).toBeGreaterThan(0.5);

    speeds({ 'ad-a-model': 60, 'ad-b-model': 4, 'ad-c-model': 25 });
    const second = await serve('chat-adaptive', PER_PHASE);
    expect(learner.weight('ad-b')!).toBeGreaterThan(0.6);
    expect(learner.weight('ad-a')!).toBeLessThan(0.15);
    expect(share(second.slice(PER_PHASE / 2), 'ad-b')).toBeGreaterThan(0.5);
    // The floor: every deployment still gets some traffic, so a recovery would be seen.
    for (const id of ['ad-a', 'ad-b', 'ad-c']) expect(learner.weight(id)!).toBeGreaterThanOrEqual(0.05 - 1e-9);

    const rr = await serve('chat-rr', 30);
    for (const id of ['ad-a', 'ad-b', 'ad-c']) expect(share(rr, id)).toBeCloseTo(1 / 3, 5);

    const preview = (await (await fetch(`${harness.url}/v1/routing/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'chat-adaptive', messages: [{ role: 'user', content: 'Hi' }] }) })).json()) as { strategy: string; plan: Array<{ deployment: string; reason: string }> };
    expect(preview.strategy).toBe('adaptive');
    expect(preview.plan.find((row) => row.deployment === 'ad-b')?.reason).toMatch(/learned share [6-9]\d%/);
  });

  it('takes quality feedback on an adaptively routed request through POST /feedback', async () => {
    const response = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'chat-adaptive', messages: [{ role: 'user', content: 'rate me' }] }) });
    await response.arrayBuffer();
    const served = response.headers.get('x-junction-deployment')!;
    const requestId = response.headers.get('x-request-id')!;
    const feedback = async (score: number) => fetch(`${harness.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ request_id: requestId, score }) });
    // The request-end event that remembers the request follows the answer; wait for it.
    await expect.poll(() => harness.junction.adaptive.decision(requestId)).toBeDefined();
    const answer = await feedback(0.2);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ request_id: requestId, accepted: true, route: 'chat-adaptive', pattern: 'adaptive', deployment: served, predicted_quality: 0.5, score: 0.2, arm: { observations: 1 } });
    const arm = harness.junction.adaptive.learner('chat-adaptive')!.arms().find((entry) => entry.deployment === served)!;
    expect(arm).toMatchObject({ quality: 0.2, feedback: 1 });

    const unknown = await fetch(`${harness.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ request_id: 'no-such-request', score: 1 }) });
    expect(unknown.status).toBe(404);
  });
});
