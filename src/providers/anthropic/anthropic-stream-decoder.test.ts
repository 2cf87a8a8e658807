import { describe, expect, it } from 'vitest';
import { isJunctionError, type ErrorCode } from '../../errors';
import type { StreamEvent } from '../../canonical/types';
import type { StreamDecoder } from '../types';
import { createAnthropicStreamDecoder } from './anthropic-stream-decoder';

const START = { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], model: 'claude-x', usage: { input_tokens: 10, output_tokens: 1 } } };
const STOP = { type: 'message_stop' };

function decoder(): StreamDecoder {
  return createAnthropicStreamDecoder({ now: () => 42_900 });
}

/** Pushes each event as the API would send it (the SSE event name repeats the data's type). */
function feed(target: StreamDecoder, events: object[]): StreamEvent[] {
  return events.flatMap((event) => target.push({ event: (event as { type: string }).type, data: JSON.stringify(event) }));
}

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (error) {
    return isJunctionError(error) ? error.code : undefined;
  }
  return undefined;
}

describe('createAnthropicStreamDecoder', () => {
  it('opens with start, stamped in seconds from the clock', () => {
    expect(feed(decoder(), [START])).toEqual([{ type: 'start', id: 'msg_1', model: 'claude-x', created: 42 }]);
  });

  it('skips pings, even before message_start, and event types it does not know', () => {
    const events = feed(decoder(), [{ type: 'ping' }, START, { type: 'ping' }, { type: 'brand_new_event', payload: 1 }, { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 1 } }, STOP]);
    expect(events.map((event) => event.type)).toEqual(['start', 'finish']);
  });

  it('numbers tool calls among tool calls, not among content blocks', () => {
    const events = feed(decoder(), [
      START,
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_a', name: 'a', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"x":1}' } },
      { type: 'content_block_stop', index: 2 },
    ]);
    expect(events.slice(1)).toEqual([
      { type: 'tool-call-start', index: 0, id: 'toolu_a', name: 'a' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"x":1}' },
    ]);
  });

  it('gives a tool that streamed no arguments `{}`, as a whole response would', () => {
    const events = feed(decoder(), [
      START,
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_now', name: 'now', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '' } },
      { type: 'content_block_stop', index: 0 },
    ]);
    expect(events.slice(1)).toEqual([
      { type: 'tool-call-start', index: 0, id: 'toolu_now', name: 'now' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{}' },
    ]);
  });

  it('emits text already present in a text block start', () => {
    const events = feed(decoder(), [START, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'Hi' } }]);
    expect(events.at(-1)).toEqual({ type: 'text-delta', text: 'Hi' });
  });

  it.each([
    { name: 'output only from message_delta', delta: { output_tokens: 30 }, expected: { inputTokens: 10, outputTokens: 30 } },
    {
      name: 'input and cache figures from message_delta when present',
      delta: { output_tokens: 30, input_tokens: 12, cache_read_input_tokens: 100, cache_creation_input_tokens: null },
      expected: { inputTokens: 112, outputTokens: 30, cachedInputTokens: 100 },
    },
  ])('combines usage: $name', ({ delta, expected }) => {
    const events = feed(decoder(), [START, { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: delta }, STOP]);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: { unified: 'stop', raw: 'end_turn' }, usage: expected });
  });

  it.each([
    { name: 'no message_delta', events: [START, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'one two three' } }, { type: 'content_block_stop', index: 0 }, STOP] },
    { name: 'a message_delta without a stop_reason', events: [START, { type: 'message_delta', delta: { stop_reason: null }, usage: { output_tokens: 3 } }, STOP] },
    { name: 'nothing before it', events: [STOP] },
  ])('message_stop after $name is upstream_stream_truncated, not a finish', ({ events }) => {
    const target = decoder();
    const decoded: StreamEvent[] = [];
    expect(codeOf(() => events.forEach((event) => decoded.push(...feed(target, [event]))))).toBe('upstream_stream_truncated');
    expect(decoded.some((event) => event.type === 'finish')).toBe(false);
  });

  it('ignores anything after message_stop and ends cleanly', () => {
    const target = decoder();
    feed(target, [START, { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } }, STOP]);
    expect(feed(target, [{ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'late' } }])).toEqual([]);
    expect(target.end()).toEqual([]);
  });

  it.each([
    { name: 'nothing at all', events: [] },
    { name: 'only message_start', events: [START] },
    { name: 'everything but message_stop', events: [START, { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } }] },
  ])('end after $name is upstream_stream_truncated', ({ events }) => {
    const target = decoder();
    feed(target, events);
    expect(codeOf(() => target.end())).toBe('upstream_stream_truncated');
  });

  it.each([
    { name: 'data that is not JSON', data: 'event: oops' },
    { name: 'JSON without a type', data: '{"index":0}' },
    { name: 'JSON that is not an object', data: '[1,2]' },
    { name: 'a known event of the wrong shape', data: '{"type":"message_start","message":{"id":"msg_1"}}' },
    { name: 'a text delta without text', data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta"}}' },
  ])('$name is upstream_bad_response', ({ data }) => {
    const target = decoder();
    if (!data.includes('message_start')) feed(target, [START]);
    expect(codeOf(() => target.push({ data }))).toBe('upstream_bad_response');
  });

  it.each([
    { name: 'content before message_start', events: [{ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }] },
    { name: 'a second message_start', events: [START, START] },
    { name: 'arguments for a block that is not a tool call', events: [START, { type: 'content_block_delta', index: 5, delta: { type: 'input_json_delta', partial_json: '{' } }] },
  ])('$name is upstream_bad_response', ({ events }) => {
    expect(codeOf(() => feed(decoder(), events))).toBe('upstream_bad_response');
  });

  it.each<{ type: string; code: ErrorCode }>([
    { type: 'overloaded_error', code: 'upstream_overloaded' },
    { type: 'api_error', code: 'upstream_server_error' },
    { type: 'rate_limit_error', code: 'upstream_rate_limited' },
  ])('an error event of $type throws $code', ({ type, code }) => {
    expect(codeOf(() => feed(decoder(), [START, { type: 'error', error: { type, message: 'x' } }]))).toBe(code);
  });
});
