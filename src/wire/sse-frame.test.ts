import { describe, expect, it } from 'vitest';
import { parseSseText } from './sse';
import { sseData, sseEvent } from './sse-frame';

describe('sse framing', () => {
  it('keeps payloads with newlines in one event', () => {
    const payload = { text: 'line one\nline two\n\ndata: not an event' };
    expect(parseSseText(sseData(payload))).toEqual([{ data: JSON.stringify(payload) }]);
    expect(parseSseText(sseEvent('content_block_delta', payload) + sseData([1]))).toEqual([
      { event: 'content_block_delta', data: JSON.stringify(payload) },
      { data: '[1]' },
    ]);
  });
});
