/**
 * Context-window decisions on prompts that used to stall the gateway: runs without spaces and
 * CJK text, whose exact token count took gpt-tokenizer's merge loop seconds (100 KB) to tens
 * of seconds (260 K characters), blocking every other request. The counts are now linear (the
 * work is asserted in src/tokens/token-count.test.ts); here the decisions at the exact window
 * edges show they are still made on exact counts, over real HTTP.
 */
import { countTokens as referenceCount } from 'gpt-tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

const LETTERS_100K = 'a'.repeat(100_000); // 12 500 tokens
const LETTERS_260K = 'a'.repeat(260_000); // 32 500 tokens
// Chinese prose: pieces are short, so the reference counts it quickly.
const CHINESE = '我们在这里说中文。'.repeat(20_000);
const CHINESE_TOKENS = referenceCount(CHINESE);

const chat = ['chat', 'tools', 'vision', 'json', 'streaming'];
const windowed = (contextWindow: number) => ({ provider: 'sim-openai', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 }, contextWindow, capabilities: chat });

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    deployments: {
      'window-128k': windowed(128_000),
      'window-32500': windowed(32_500),
      'window-32499': windowed(32_499),
      'window-chinese': windowed(CHINESE_TOKENS),
      'window-chinese-less-one': windowed(CHINESE_TOKENS - 1),
    },
    routes: {
      'edge-128k': { deployments: ['window-128k'] },
      'edge-32500': { deployments: ['window-32500', 'window-32499'] },
      'edge-chinese': { deployments: ['window-chinese', 'window-chinese-less-one'] },
    },
  });
});
afterAll(() => harness.close());

const decide = async (body: unknown) => {
  const response = await fetch(`${harness.url}/v1/routing/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  const decision = (await response.json()) as { plan: Array<{ deployment: string }>; excluded: Array<{ deployment: string; reason: string }> };
  return { planned: decision.plan.map((step) => step.deployment), excluded: decision.excluded };
};
const user = (content: string) => [{ role: 'user', content }];

describe('context-window decisions on long runs without spaces', () => {
  it('fits 100 KB of one letter with max_tokens up to the window exactly, and not one token more', async () => {
    const fits = await decide({ model: 'edge-128k', messages: user(LETTERS_100K), max_tokens: 128_000 - 12_500 });
    expect(fits).toEqual({ planned: ['window-128k'], excluded: [] });

    const over = await decide({ model: 'edge-128k', messages: user(LETTERS_100K), max_tokens: 128_000 - 12_500 + 1 });
    expect(over.planned).toEqual([]);
    expect(over.excluded).toEqual([{ deployment: 'window-128k', tier: 'primary', reason: 'context window 128000 < ~128001 tokens needed' }]);
  });

  it('sends 260 000 of one letter to the window that holds its 32 500 tokens, not to one a token smaller', async () => {
    const decision = await decide({ model: 'edge-32500', messages: user(LETTERS_260K) });
    expect(decision.planned).toEqual(['window-32500']);
    expect(decision.excluded).toEqual([{ deployment: 'window-32499', tier: 'primary', reason: 'context window 32499 < ~32500 tokens needed' }]);
  });

  it('decides on the exact count of a long Chinese prompt', async () => {
    const decision = await decide({ model: 'edge-chinese', messages: user(CHINESE) });
    expect(decision.planned).toEqual(['window-chinese']);
    expect(decision.excluded.map((entry) => entry.deployment)).toEqual(['window-chinese-less-one']);
  });

  it('serves 100 KB of one letter with a large max_tokens, counted the same by the gateway and the simulated upstream', async () => {
    const before = harness.simulator.stats().requests;
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'edge-128k', messages: user(LETTERS_100K), max_tokens: 100_000 }),
    });
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { usage: { prompt_tokens: number } };
    expect(completion.usage.prompt_tokens).toBe(12_500);
    expect(harness.simulator.stats().requests).toBe(before + 1);
  });
});
