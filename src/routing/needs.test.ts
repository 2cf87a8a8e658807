import { describe, expect, it } from 'vitest';
import { chatNeeds, embeddingNeeds } from './needs';
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

  it('counts embeddings input', () => {
    expect(embeddingNeeds({ model: 'e', input: ['abcd', 'efgh'] })).toEqual({ capabilities: ['embeddings'], estimatedInputTokens: 2 });
  });
});
