/**
 * Expert routing over real HTTP against the simulator: deployments tagged `skills: math` or
 * `skills: code` get the requests that need them (recognised in the prompt, or named with
 * `x-junction-skill`); other requests follow the route's strategy. Without `strict`, a failing
 * expert falls back to the others; with it, a request is never sent to an untagged deployment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;

beforeAll(async () => {
  const deployment = (model: string, skills?: string) => ({ provider: 'sim-openai', model, pricing: { input: 1, output: 1 }, contextWindow: 8_000, capabilities: ['chat'], ...(skills ? { tags: { skills } } : {}) });
  harness = await startHarness({
    deployments: { 'ex-general': deployment('ex-general-model'), 'ex-math': deployment('ex-math-model', 'math'), 'ex-code': deployment('ex-code-model', 'code, review') },
    routes: {
      experts: { deployments: ['ex-general', 'ex-math', 'ex-code'], strategy: 'priority', retry: { attempts: 0 }, strategyOptions: { experts: {} } },
      'strict-experts': {
        deployments: ['ex-general', 'ex-math', 'ex-code'],
        strategy: 'priority',
        retry: { attempts: 0 },
        strategyOptions: { experts: { strict: true, skills: { review: { keywords: ['code review', 'pull request'] } } } },
      },
    },
  });
});
afterAll(() => harness.close());
const reset = () => harness.reset();

async function ask(route: string, content: string, headers: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: route, messages: [{ role: 'user', content }] }) });
  await response.arrayBuffer();
  return response;
}

describe('expert routing by skill tags', () => {
  it.each([
    ['What is the integral of x^2 from 0 to 3?', 'ex-math', 'math'],
    ['Write a Python function that reverses a linked list', 'ex-code', 'code'],
    ['Tell me about lighthouses', 'ex-general', null],
  ])('%j goes to %s', async (content, expected, skills) => {
    const response = await ask('experts', content);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-junction-deployment')).toBe(expected);
    expect(response.headers.get('x-junction-skills')).toBe(skills);
  });

  it('honours a skill the caller names in x-junction-skill', async () => {
    const response = await ask('experts', 'Tell me about lighthouses', { 'x-junction-skill': 'code' });
    expect(response.headers.get('x-junction-deployment')).toBe('ex-code');
    expect(response.headers.get('x-junction-skills')).toBe('code');
  });

  it('without strict, falls back to the others when the expert fails', async () => {
    harness.simulator.setBehaviour('ex-math-model', { down: true });
    try {
      const response = await ask('experts', 'Solve for x: 3x + 4 = 19');
      expect(response.status).toBe(200);
      expect(response.headers.get('x-junction-deployment')).toBe('ex-general');
      expect(response.headers.get('x-junction-attempts')).toBe('2');
    } finally {
      reset();
    }
  });

  it('with strict, never sends a request to an untagged deployment, and the preview says why', async () => {
    harness.simulator.setBehaviour('ex-math-model', { down: true });
    try {
      const response = await ask('strict-experts', 'Solve for x: 3x + 4 = 19');
      expect(response.status).toBe(503);
      expect(response.headers.get('x-junction-attempts')).toBe('1');
    } finally {
      reset();
    }
    const review = await ask('strict-experts', 'Please do a code review of this pull request');
    expect(review.headers.get('x-junction-deployment')).toBe('ex-code');
    expect(review.headers.get('x-junction-skills')).toBe('review');

    const preview = (await (await fetch(`${harness.url}/v1/routing/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'strict-experts', messages: [{ role: 'user', content: 'What is the derivative of sin(x)?' }] }) })).json()) as { plan: Array<{ deployment: string }>; excluded: Array<{ deployment: string; reason: string }> };
    expect(preview.plan.map((row) => row.deployment)).toEqual(['ex-math']);
    expect(preview.excluded).toContainEqual(expect.objectContaining({ deployment: 'ex-general', reason: 'not tagged for math (strict expert routing)' }));
  });

  it('refuses an invalid skill pattern in the config, naming the path', async () => {
    const { configFromObject } = await import('../../src/config');
    expect(() =>
      configFromObject({
        providers: { p: { kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'x' } },
        deployments: { d: { provider: 'p', model: 'm', pricing: { input: 1, output: 1 }, contextWindow: 1_000 } },
        routes: { r: { deployments: ['d'], strategyOptions: { experts: { skills: { math: { patterns: ['(unclosed'] } } } } } },
      }),
    ).toThrow(/routes\.r\.strategyOptions\.experts\.skills\.math\.patterns\[0\]: expected a valid regular expression/s);
  });
});
