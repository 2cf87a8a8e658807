import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../canonical/types';
import { createGeminiStreamDecoder } from './gemini-stream-decoder';

const ids = (): (() => string) => () => 'generated';
/** When the test's answers arrive: 2025-06-01T12:00:00.750Z. */
const ARRIVED_MS = 1_748_779_200_750;
const chunk = (value: unknown) => ({ data: JSON.stringify(value) });

function decode(chunks: unknown[]): StreamEvent[] {
  const decoder = createGeminiStreamDecoder('gemini-test', ids(), () => ARRIVED_MS);
  return [...chunks.flatMap((value) => decoder.push(chunk(value))), ...decoder.end()];
}

describe('createGeminiStreamDecoder', () => {
  it('dates the stream by the first chunk\'s createTime when there is one, else by when it arrived', () => {
    expect(decode([{ candidates: [{ content: { parts: [{ text: 'A' }] }, finishReason: 'STOP' }], createTime: '2025-05-31T08:00:01.123456Z' }])[0]).toMatchObject({
      type: 'start',
      created: 1_748_678_401,
    });
    expect(decode([{ candidates: [{ content: { parts: [{ text: 'A' }] }, finishReason: 'STOP' }] }])[0]).toMatchObject({ type: 'start', created: 1_748_779_200 });
  });

  it('keeps the order of text and calls within a chunk and numbers calls across chunks', () => {
    const events = decode([
      { candidates: [{ content: { parts: [{ text: 'A' }, { functionCall: { name: 'f', args: { x: 1 } } }, { text: 'B' }] } }], responseId: 'r1', modelVersion: 'gemini-x' },
      { candidates: [{ content: { parts: [{ functionCall: { id: 'own-id', name: 'g' } }] }, finishReason: 'STOP' }] },
    ]);
    expect(events).toEqual([
      { type: 'start', id: 'r1', model: 'gemini-x', created: 1_748_779_200 },
      { type: 'text-delta', text: 'A' },
      { type: 'tool-call-start', index: 0, id: 'call_0', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"x":1}' },
      { type: 'text-delta', text: 'B' },
      { type: 'tool-call-start', index: 1, id: 'own-id', name: 'g' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'STOP' }, usage: undefined },
    ]);
  });

  it('skips thought parts and empty text', () => {
    const events = decode([
      { candidates: [{ content: { parts: [{ text: 'pondering', thought: true }, { text: '' }] } }] },
      { candidates: [{ content: { parts: [{ text: 'answer' }] }, finishReason: 'STOP' }] },
    ]);
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([{ type: 'text-delta', text: 'answer' }]);
  });

  it('takes the last usage, even one that follows the finish reason', () => {
    const events = decode([
      { candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 3 } },
      { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, thoughtsTokenCount: 2 } },
    ]);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: { unified: 'stop', raw: 'STOP' }, usage: { inputTokens: 3, outputTokens: 3, reasoningTokens: 2 } });
  });

  it('finishes a blocked prompt as content-filter', () => {
    expect(decode([{ promptFeedback: { blockReason: 'BLOCKLIST' } }])).toEqual([
      { type: 'start', id: 'generated', model: 'gemini-test', created: 1_748_779_200 },
      { type: 'finish', finishReason: { unified: 'content-filter', raw: 'BLOCKLIST' }, usage: undefined },
    ]);
  });

  it('emits start once only', () => {
    const events = decode([{ candidates: [] }, { candidates: [] }, { candidates: [{ finishReason: 'STOP' }] }]);
    expect(events.filter((event) => event.type === 'start')).toHaveLength(1);
  });

  it.each([
    ['no chunk at all', []],
    ['chunks but no finish reason', [{ candidates: [{ content: { parts: [{ text: 'half' }] } }] }]],
  ])('%s is truncated', (_name, chunks) => {
    expect(() => decode(chunks)).toThrow(expect.objectContaining({ code: 'upstream_stream_truncated' }));
  });
});
