import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TextChunkTemplate } from './text-chunk-template';

const contentOf = (chunk: unknown) => (chunk as { choices?: Array<{ delta?: { content?: unknown } }> })?.choices?.[0]?.delta?.content;
const chunk = (content: string, extra: object = {}) =>
  JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }], ...extra });

function taught(data: string): TextChunkTemplate {
  const template = new TextChunkTemplate('content', 4, contentOf);
  template.learn(data);
  return template;
}

describe('TextChunkTemplate', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads the text of any chunk that differs from the learnt one only there', () => {
    const template = taught(chunk('first'));
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), (text) => {
        expect(template.match(chunk(text))).toBe(text);
      }),
    );
  });

  it('reads only the text, not the whole chunk', () => {
    const template = taught(chunk('first'));
    const parse = vi.spyOn(JSON, 'parse');
    const next = chunk('a longer piece of text, "quoted"');
    expect(template.match(next)).toBe('a longer piece of text, "quoted"');
    expect(parse.mock.calls.every(([text]) => text !== next)).toBe(true);
  });

  it('refuses chunks that differ anywhere else, or whose text is empty or not one valid string', () => {
    const template = taught(chunk('first'));
    const [prefix, suffix] = chunk('\u0001').split('"\\u0001"');
    expect(template.match(chunk('x', { usage: { prompt_tokens: 1 } }))).toBeUndefined();
    expect(template.match(chunk('x').replace('"created":1', '"created":2'))).toBeUndefined();
    expect(template.match(chunk(''))).toBeUndefined();
    expect(template.match(`${prefix}"bad \\x escape"${suffix}`)).toBeUndefined();
    expect(template.match(`${prefix}"a","content":"b"${suffix}`)).toBeUndefined();
    expect(template.match(`${prefix}"a"${suffix}`)).toBe('a');
  });

  it('learns nothing when the key is not where the reader finds the text', () => {
    const nested = JSON.stringify({ choices: [{ logprobs: { content: 'decoy' }, delta: { content: 'real' } }] });
    const template = taught(nested);
    expect(template.match(nested.replace('decoy', 'other'))).toBeUndefined();
    expect(template.match(nested.replace('real', 'other'))).toBeUndefined();
  });

  it('stops learning from a stream that changes every chunk', () => {
    const template = new TextChunkTemplate('content', 4, contentOf);
    for (let index = 0; index < 10; index += 1) template.learn(chunk('x', { nonce: String(index) }));
    expect(template.match(chunk('y', { nonce: '9' }))).toBeUndefined();
    expect(template.match(chunk('y', { nonce: '3' }))).toBe('y');
  });
});
