import { countTokens as referenceCount } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { chatNeeds, embeddingNeeds } from './needs';
import { newTokenCountWork } from '../tokens/token-count';
import type { ChatRequest } from '../canonical/types';

const request = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'm',
  stream: false,
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  ...extra,
});

describe('request needs', () => {
  it.each([
    ['plain chat', request('hi'), ['chat']],
    ['streamed', request('hi', { stream: true }), ['chat', 'streaming']],
    ['tools', request('hi', { tools: [{ name: 'f', parameters: { type: 'object' } }] }), ['chat', 'tools']],
    ['json mode', request('hi', { responseFormat: { type: 'json_object' } }), ['chat', 'json']],
    [
      'an image',
      { model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://x/y.png' } }] }] } as ChatRequest,
      ['chat', 'vision'],
    ],
  ])('%s needs %j', (_name, chat, capabilities) => {
    expect(chatNeeds(chat).capabilities).toEqual(capabilities);
  });

  it('estimates roughly when far from any context window', () => {
    expect(chatNeeds(request('x'.repeat(4000))).estimatedInputTokens).toBe(1000);
  });

  it('counts exactly when the rough estimate comes near the smallest window', () => {
    // Repeated single characters compress into few tokens; the rough estimate overstates them.
    const text = 'a'.repeat(40_000);
    const rough = chatNeeds(request(text)).estimatedInputTokens;
    const exact = chatNeeds(request(text), 16_000).estimatedInputTokens;
    expect(rough).toBe(10_000);
    expect(exact).toBeLessThan(rough);
    expect(exact).toBeGreaterThan(0);
  });

  it('counts a 100 KB run without spaces exactly, with work linear in its length', () => {
    // 100 000 of one letter is 12 500 tokens; a window of exactly 12 500 + max_tokens fits it.
    const work = newTokenCountWork();
    const needs = chatNeeds(request('a'.repeat(100_000), { maxTokens: 115_500 }), 128_000, work);
    expect(needs.estimatedInputTokens).toBe(12_500);
    expect(needs.estimatedInputTokens + needs.maxOutputTokens!).toBe(128_000);
    expect(work.chars).toBe(100_000);
    // gpt-tokenizer's loop rescans the piece at every merge: billions of steps for this input.
    expect(work.steps).toBeLessThan(40 * work.mergedBytes);
  });

  it('estimates a CJK character as about a token, not a quarter of one', () => {
    expect(chatNeeds(request('中'.repeat(1_000))).estimatedInputTokens).toBe(1_000);
    expect(chatNeeds(request('ab中'.repeat(1_000))).estimatedInputTokens).toBe(1_500);
  });

  it('counts a Chinese prompt exactly when it nears a window, which the English-based estimate would have missed', () => {
    // 180 000 characters, 120 000 tokens: counted as English (45 000) it looked far from a
    // 100 000-token window and would have been sent there.
    const text = '我们在这里说中文。'.repeat(20_000);
    const work = newTokenCountWork();
    const needs = chatNeeds(request(text), 100_000, work);
    expect(needs.estimatedInputTokens).toBe(referenceCount(text));
    expect(needs.estimatedInputTokens).toBeGreaterThan(100_000);
    expect(work.chars).toBe(text.length);
  });

  it('counts embeddings input', () => {
    expect(embeddingNeeds({ model: 'e', input: ['abcd', 'efgh'] })).toEqual({ capabilities: ['embeddings'], estimatedInputTokens: 2, inputTokenBound: 3 * 8 + 2 });
  });
});
