import { describe, expect, it } from 'vitest';
import { JunctionError } from '../../../errors';
import type { StreamEvent } from '../../../canonical/types';
import { parseSseText } from '../../../wire/sse';
import { createOpenAIStreamEncoder } from './encode-openai-stream';

const start: StreamEvent = { type: 'start', id: 'chatcmpl-9', model: 'upstream-model', created: 1_700_000_000 };
const finish = (unified: 'stop' | 'tool-calls' = 'stop'): StreamEvent => ({
  type: 'finish',
  finishReason: { unified, raw: undefined },
  usage: { inputTokens: 20, outputTokens: 5, cachedInputTokens: 4 },
});

function encodeAll(events: StreamEvent[], includeUsage: boolean): string {
  const encoder = createOpenAIStreamEncoder({ publicModel: 'chat-fast', includeUsage });
  return events.map((event) => encoder.encode(event)).join('');
}

/** The JSON payloads of a data-only SSE text, with [DONE] kept as a marker string. */
function payloads(text: string): unknown[] {
  return parseSseText(text).map((message) => (message.data === '[DONE]' ? '[DONE]' : JSON.parse(message.data)));
}

const envelope = { id: 'chatcmpl-9', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'chat-fast' };
const choice = (delta: object, finishReason: string | null = null) => ({
  ...envelope,
  choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
});

describe('createOpenAIStreamEncoder', () => {
  it('streams text: role chunk, content chunks, finish chunk, [DONE]', () => {
    const text = encodeAll([start, { type: 'text-delta', text: 'Hel' }, { type: 'text-delta', text: 'lo' }, finish()], false);
    expect(payloads(text)).toEqual([
      choice({ role: 'assistant', content: '' }),
      choice({ content: 'Hel' }),
      choice({ content: 'lo' }),
      choice({}, 'stop'),
      '[DONE]',
    ]);
  });

  it('adds usage: null to every chunk and a usage-only chunk before [DONE] when asked', () => {
    const out = payloads(encodeAll([start, { type: 'text-delta', text: 'Hi' }, finish()], true));
    expect(out).toEqual([
      { ...choice({ role: 'assistant', content: '' }), usage: null },
      { ...choice({ content: 'Hi' }), usage: null },
      { ...choice({}, 'stop'), usage: null },
      {
        ...envelope,
        choices: [],
        usage: {
          prompt_tokens: 20,
          completion_tokens: 5,
          total_tokens: 25,
          prompt_tokens_details: { cached_tokens: 4 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      },
      '[DONE]',
    ]);
  });

  it('skips the usage chunk when the upstream reported no usage', () => {
    const out = payloads(encodeAll([start, { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: undefined }], true));
    expect(out).toEqual([{ ...choice({ role: 'assistant', content: '' }), usage: null }, { ...choice({}, 'stop'), usage: null }, '[DONE]']);
  });

  it('streams tool calls with their index, id and name first, then argument fragments', () => {
    const out = payloads(
      encodeAll(
        [
          start,
          { type: 'tool-call-start', index: 0, id: 'call_a', name: 'get_weather' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: '"Oslo"}' },
          { type: 'tool-call-start', index: 1, id: 'call_b', name: 'now' },
          { type: 'tool-call-delta', index: 1, argumentsDelta: '' },
          finish('stop'),
        ],
        false,
      ),
    );
    expect(out).toEqual([
      choice({ role: 'assistant', content: '' }),
      choice({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }),
      choice({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'now', arguments: '' } }] }),
      // A plain stop after tool calls is reported as tool_calls.
      choice({}, 'tool_calls'),
      '[DONE]',
    ]);
  });

  it('writes an in-stream error without [DONE] and then stays silent', () => {
    const encoder = createOpenAIStreamEncoder({ publicModel: 'chat-fast', includeUsage: false });
    encoder.encode(start);
    encoder.encode({ type: 'text-delta', text: 'partial' });
    const error = new JunctionError('upstream_connection', 'upstream reset the connection');
    const text = encoder.error(error);
    expect(payloads(text)).toEqual([
      { error: { message: 'upstream reset the connection', type: 'server_error', param: null, code: 'upstream_connection' } },
    ]);
    expect(text).not.toContain('[DONE]');
    expect(encoder.encode(finish())).toBe('');
    expect(encoder.error(error)).toBe('');
  });

  it('puts the usage so far before the error event when the caller asked for usage', () => {
    const encoder = createOpenAIStreamEncoder({ publicModel: 'chat-fast', includeUsage: true });
    encoder.encode(start);
    const out = payloads(encoder.error(new JunctionError('upstream_stream_truncated', 'cut'), { inputTokens: 20, outputTokens: 2 }));
    expect(out).toEqual([
      { ...envelope, choices: [], usage: expect.objectContaining({ prompt_tokens: 20, completion_tokens: 2, total_tokens: 22 }) },
      { error: expect.objectContaining({ code: 'upstream_stream_truncated' }) },
    ]);
  });

  it('sends no usage before the error event when the caller did not ask for it', () => {
    const encoder = createOpenAIStreamEncoder({ publicModel: 'chat-fast', includeUsage: false });
    encoder.encode(start);
    expect(payloads(encoder.error(new JunctionError('upstream_stream_truncated', 'cut'), { inputTokens: 20, outputTokens: 2 }))).toHaveLength(1);
  });

  it('takes the identity of a forwarded stream from its start, for the usage chunk it adds', () => {
    const encoder = createOpenAIStreamEncoder({ publicModel: 'chat-fast', includeUsage: true });
    encoder.note(start);
    expect(payloads(encoder.usage({ inputTokens: 1, outputTokens: 1 }))).toEqual([{ ...envelope, choices: [], usage: expect.objectContaining({ total_tokens: 2 }) }]);
  });

  it('sends a finish OpenAI has no word for as the upstream said it, not as stop', () => {
    const out = payloads(encodeAll([start, { type: 'finish', finishReason: { unified: 'other', raw: 'pause_turn' }, usage: undefined }], false));
    expect(out.at(-2)).toEqual(choice({}, 'pause_turn'));
  });

  it('writes nothing after finish', () => {
    const encoder = createOpenAIStreamEncoder({ publicModel: 'm', includeUsage: false });
    encoder.encode(start);
    encoder.encode(finish());
    expect(encoder.encode({ type: 'text-delta', text: 'late' })).toBe('');
    expect(encoder.error(new JunctionError('internal_error', 'late'))).toBe('');
  });

  it('rejects content before start', () => {
    const encoder = createOpenAIStreamEncoder({ publicModel: 'm', includeUsage: false });
    expect(() => encoder.encode({ type: 'text-delta', text: 'x' })).toThrow(/before start/);
  });
});
