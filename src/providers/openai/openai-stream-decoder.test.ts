import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { isJunctionError } from '../../errors';
import type { StreamEvent } from '../../canonical/types';
import { createOpenAIStreamDecoder } from './openai-stream-decoder';

const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1741175000, model: 'gpt-4o' };

function chunk(delta: object | null, finishReason: string | null = null, extra: object = {}): string {
  return JSON.stringify({ ...head, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra });
}

function decode(...data: string[]): StreamEvent[] {
  const decoder = createOpenAIStreamDecoder({ label: 'OpenAI' });
  const events = data.flatMap((item) => decoder.push({ data: item }));
  return [...events, ...decoder.end()];
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isJunctionError(error) ? error.code : 'not a JunctionError';
  }
  return undefined;
}

describe('createOpenAIStreamDecoder', () => {
  it('emits start once, from the first chunk', () => {
    const events = decode(chunk({ content: 'a' }), chunk({ content: 'b' }), chunk({}, 'stop'), '[DONE]');
    expect(events.filter((event) => event.type === 'start')).toEqual([{ type: 'start', id: 'chatcmpl-1', model: 'gpt-4o', created: 1741175000 }]);
  });

  it('emits finish only at [DONE], carrying the usage that came after the finish reason', () => {
    const decoder = createOpenAIStreamDecoder({ label: 'OpenAI' });
    decoder.push({ data: chunk({ content: 'Hi' }) });
    expect(decoder.push({ data: chunk({}, 'length') })).toEqual([]);
    expect(decoder.push({ data: JSON.stringify({ ...head, choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } }) })).toEqual([]);
    expect(decoder.push({ data: '[DONE]' })).toEqual([
      { type: 'finish', finishReason: { unified: 'length', raw: 'length' }, usage: { inputTokens: 3, outputTokens: 1 } },
    ]);
    expect(decoder.end()).toEqual([]);
  });

  it('emits start and delta when a whole tool call arrives in one delta', () => {
    const call = { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } };
    expect(decode(chunk({ tool_calls: [call] }), chunk({}, 'tool_calls'), '[DONE]').slice(1, 3)).toEqual([
      { type: 'tool-call-start', index: 0, id: 'call_1', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{}' },
    ]);
  });

  it('numbers tool calls densely from zero whatever the upstream indices', () => {
    const events = decode(
      chunk({ tool_calls: [{ index: 3, id: 'call_a', function: { name: 'f', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 7, id: 'call_b', function: { name: 'g', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 3, function: { arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
      '[DONE]',
    );
    expect(events.filter((event) => event.type.startsWith('tool-call'))).toEqual([
      { type: 'tool-call-start', index: 0, id: 'call_a', name: 'f' },
      { type: 'tool-call-start', index: 1, id: 'call_b', name: 'g' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{}' },
    ]);
  });

  it('follows tool-call deltas that carry no index', () => {
    const events = decode(
      chunk({ tool_calls: [{ id: 'call_a', function: { name: 'f', arguments: '{"a"' } }] }),
      chunk({ tool_calls: [{ function: { arguments: ':1}' } }] }),
      chunk({ tool_calls: [{ id: 'call_b', function: { name: 'g', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
      '[DONE]',
    );
    expect(events.filter((event) => event.type === 'tool-call-delta')).toEqual([
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a"' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: ':1}' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
    ]);
  });

  it('streams a refusal as text', () => {
    const events = decode(chunk({ refusal: "I can't help with that." }), chunk({}, 'stop'), '[DONE]');
    expect(events).toContainEqual({ type: 'text-delta', text: "I can't help with that." });
  });

  it.each([
    { name: 'after a few words', data: [chunk({ role: 'assistant', content: '' }), chunk({ content: 'one two three' }), '[DONE]'] },
    { name: 'after the usage chunk but no finish chunk', data: [chunk({ content: 'x' }), JSON.stringify({ ...head, choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } }), '[DONE]'] },
    { name: 'after finish_reason null and an empty one', data: [chunk({ content: 'x' }, null), chunk({}, ''), '[DONE]'] },
    { name: 'before any chunk', data: ['[DONE]'] },
  ])('[DONE] without a finish_reason ($name) is upstream_stream_truncated, not a finish', ({ data }) => {
    const decoder = createOpenAIStreamDecoder({ label: 'OpenAI' });
    const events: StreamEvent[] = [];
    const code = codeOf(() => data.forEach((item) => events.push(...decoder.push({ data: item }))));
    expect(code).toBe('upstream_stream_truncated');
    expect(events.some((event) => event.type === 'finish')).toBe(false);
  });

  it('ignores empty data and anything after [DONE]', () => {
    const events = decode(chunk({ content: 'x' }), '', chunk({}, 'stop'), '[DONE]', chunk({ content: 'late' }));
    expect(events.map((event) => event.type)).toEqual(['start', 'text-delta', 'finish']);
  });

  it.each([
    { name: 'non-JSON data', data: ['{"id":'], code: 'upstream_bad_response' },
    { name: 'a chunk of the wrong shape', data: [JSON.stringify({ id: 'x', choices: 'none' })], code: 'upstream_bad_response' },
    { name: 'arguments for a tool call never started', data: [chunk({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] })], code: 'upstream_bad_response' },
    { name: 'an in-stream server error', data: [chunk({ content: 'a' }), '{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}'], code: 'upstream_server_error' },
    { name: 'an in-stream rate limit (numeric code)', data: ['{"error":{"code":429,"message":"Rate limit exceeded"}}'], code: 'upstream_rate_limited' },
    { name: 'an in-stream context-size error', data: ['{"error":{"code":400,"message":"request exceeds the available context size","type":"exceed_context_size_error"}}'], code: 'context_length_exceeded' },
    {
      name: 'an error riding on a chunk with choices (OpenRouter)',
      data: [chunk({ content: '' }, 'error', { error: { code: 502, message: 'Provider disconnected' } })],
      code: 'upstream_server_error',
    },
  ])('throws $code on $name', ({ data, code }) => {
    const decoder = createOpenAIStreamDecoder({ label: 'OpenAI' });
    expect(codeOf(() => data.forEach((item) => decoder.push({ data: item })))).toBe(code);
  });

  it.each([
    { name: 'nothing', data: [] },
    { name: 'chunks without a finish', data: [chunk({ content: 'a' })] },
    { name: 'a finish but no [DONE]', data: [chunk({ content: 'a' }), chunk({}, 'stop')] },
  ])('end() after $name is upstream_stream_truncated', ({ data }) => {
    const decoder = createOpenAIStreamDecoder({ label: 'OpenAI' });
    data.forEach((item) => decoder.push({ data: item }));
    expect(codeOf(() => decoder.end())).toBe('upstream_stream_truncated');
  });

  it('decodes text chunks alike whether they repeat one shape or not', () => {
    const shaped = fc.record({ text: fc.string({ unit: 'binary' }), role: fc.boolean(), nonce: fc.option(fc.nat(3), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(shaped, { maxLength: 12 }), (pieces) => {
        const data = [
          chunk({ role: 'assistant', content: '' }),
          ...pieces.map(({ text, role, nonce }) => chunk(role ? { role: 'assistant', content: text } : { content: text }, null, nonce === undefined ? {} : { nonce })),
          chunk({}, 'stop'),
          '[DONE]',
        ];
        const texts = decode(...data).flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));
        expect(texts).toEqual(pieces.map(({ text }) => text).filter((text) => text !== ''));
      }),
    );
  });

  it('parses a run of same-shaped text chunks once, not chunk by chunk', () => {
    const decoder = createOpenAIStreamDecoder({ label: 'OpenAI' });
    decoder.push({ data: chunk({ role: 'assistant', content: '' }) });
    decoder.push({ data: chunk({ content: 'first' }) });
    const parse = vi.spyOn(JSON, 'parse');
    const rest = ['a', 'b', 'c "d"', 'é'].map((text) => chunk({ content: text }));
    const events = rest.flatMap((data) => decoder.push({ data }));
    expect(events).toEqual(['a', 'b', 'c "d"', 'é'].map((text) => ({ type: 'text-delta', text })));
    expect(parse.mock.calls.filter(([text]) => rest.includes(text as string))).toEqual([]);
    parse.mockRestore();
  });

  it('still refuses a malformed chunk of the repeated shape', () => {
    const decoder = createOpenAIStreamDecoder({ label: 'OpenAI' });
    decoder.push({ data: chunk({ content: 'a' }) });
    decoder.push({ data: chunk({ content: 'b' }) });
    const malformed = chunk({ content: 'PLACE' }).replace('"PLACE"', '"bad \\q escape');
    expect(codeOf(() => decoder.push({ data: malformed }))).toBe('upstream_bad_response');
  });
});
