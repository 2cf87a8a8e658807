import { describe, expect, it } from 'vitest';
import { JunctionError } from '../../../errors';
import type { StreamEvent } from '../../../canonical/types';
import { parseSseText } from '../../../wire/sse';
import { createAnthropicStreamEncoder } from './encode-anthropic-stream';

const start: StreamEvent = { type: 'start', id: 'chatcmpl-7', model: 'upstream', created: 1_700_000_000 };
const finish = (unified: 'stop' | 'tool-calls' | 'length', usage = { inputTokens: 40, outputTokens: 9, cachedInputTokens: 30 }): StreamEvent => ({
  type: 'finish',
  finishReason: { unified, raw: undefined },
  usage,
});

/** Encoded events as [event name, parsed data] pairs, checking the two names agree. */
function encodeAll(events: StreamEvent[]): Array<[string | undefined, Record<string, unknown>]> {
  const encoder = createAnthropicStreamEncoder({ publicModel: 'claude-route' });
  const text = events.map((event) => encoder.encode(event)).join('');
  return parseSseText(text).map((message) => {
    const data = JSON.parse(message.data) as Record<string, unknown>;
    expect(data.type).toBe(message.event);
    return [message.event, data];
  });
}

const messageStart = [
  'message_start',
  {
    type: 'message_start',
    message: {
      id: 'msg_chatcmpl-7',
      type: 'message',
      role: 'assistant',
      model: 'claude-route',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    },
  },
];

describe('createAnthropicStreamEncoder', () => {
  it('streams text as one block and ends with message_delta usage and message_stop', () => {
    expect(encodeAll([start, { type: 'text-delta', text: 'Hel' }, { type: 'text-delta', text: '' }, { type: 'text-delta', text: 'lo' }, finish('stop')])).toEqual([
      messageStart,
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      [
        'message_delta',
        {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { input_tokens: 10, output_tokens: 9, cache_read_input_tokens: 30, cache_creation_input_tokens: 0 },
        },
      ],
      ['message_stop', { type: 'message_stop' }],
    ]);
  });

  it('closes the text block before each tool_use block and routes argument fragments by tool index', () => {
    const events = encodeAll([
      start,
      { type: 'text-delta', text: 'Checking.' },
      { type: 'tool-call-start', index: 0, id: 'toolu_a', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"Oslo"}' },
      { type: 'tool-call-start', index: 1, id: 'toolu_b', name: 'now' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '' },
      finish('tool-calls'),
    ]);
    expect(events.map(([name, data]) => `${name}:${String(data.index ?? '')}`)).toEqual([
      'message_start:',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_delta:1',
      'content_block_delta:1',
      'content_block_stop:1',
      'content_block_start:2',
      'content_block_stop:2',
      'message_delta:',
      'message_stop:',
    ]);
    expect(events[4][1].content_block).toEqual({ type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} });
    expect(events[5][1].delta).toEqual({ type: 'input_json_delta', partial_json: '{"city":' });
    expect(events[8][1].content_block).toEqual({ type: 'tool_use', id: 'toolu_b', name: 'now', input: {} });
    expect((events[10][1].delta as Record<string, unknown>).stop_reason).toBe('tool_use');
  });

  it('opens a new text block for text after a tool call', () => {
    const names = encodeAll([
      start,
      { type: 'tool-call-start', index: 0, id: 'toolu_a', name: 'f' },
      { type: 'text-delta', text: 'after' },
      finish('length'),
    ]).map(([name, data]) => `${name}:${String(data.index ?? '')}`);
    expect(names).toEqual(['message_start:', 'content_block_start:0', 'content_block_stop:0', 'content_block_start:1', 'content_block_delta:1', 'content_block_stop:1', 'message_delta:', 'message_stop:']);
  });

  it('finishes an empty answer without content blocks and with zero usage when none was reported', () => {
    const events = encodeAll([start, { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: undefined }]);
    expect(events.map(([name]) => name)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(events[1][1].usage).toEqual({ input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });

  it('writes an error event that ends the stream', () => {
    const encoder = createAnthropicStreamEncoder({ publicModel: 'claude-route' });
    encoder.encode(start);
    encoder.encode({ type: 'text-delta', text: 'partial' });
    const text = encoder.error(new JunctionError('upstream_overloaded', 'every deployment is busy'));
    expect(parseSseText(text)).toEqual([
      { event: 'error', data: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'every deployment is busy', details: { error_code: 'upstream_overloaded' } } }) },
    ]);
    expect(encoder.encode(finish('stop'))).toBe('');
    expect(encoder.error(new JunctionError('internal_error', 'again'))).toBe('');
  });

  it.each<StreamEvent>([
    { type: 'text-delta', text: 'x' },
    { type: 'tool-call-start', index: 0, id: 't', name: 'f' },
  ])('rejects %j before start', (event) => {
    expect(() => createAnthropicStreamEncoder({ publicModel: 'm' }).encode(event)).toThrow(/before start/);
  });

  it('rejects arguments for a tool call that never started', () => {
    const encoder = createAnthropicStreamEncoder({ publicModel: 'm' });
    encoder.encode(start);
    expect(() => encoder.encode({ type: 'tool-call-delta', index: 3, argumentsDelta: '{}' })).toThrow(/before its start/);
  });
});
