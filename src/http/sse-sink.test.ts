import { PassThrough } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { JunctionError } from '../errors';
import type { StreamEvent } from '../canonical/types';
import { parseSseText } from '../wire/sse';
import { createAnthropicStreamEncoder } from './ingress/anthropic/encode-anthropic-stream';
import { createOpenAIStreamEncoder } from './ingress/openai/encode-openai-stream';
import { SseSink } from './sse-sink';

function sink(includeUsage: boolean) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk) => (text += chunk));
  const response = Object.assign(out, { writeHead: () => response, destroyed: false }) as unknown as ServerResponse;
  const sse = new SseSink(response, createOpenAIStreamEncoder({ publicModel: 'route', includeUsage }), () => ({}), { format: 'openai', includeUsage, publicModel: 'route' });
  return { sse, text: () => text };
}

describe('SseSink pass-through', () => {
  it('forwards same-format messages without re-encoding, keeping multi-line data valid', async () => {
    const { sse, text } = sink(true);
    await sse.write([], { format: 'openai', messages: [{ data: '{"id":"x",\n"choices":[{"delta":{"content":"hi"}}]}' }, { data: '[DONE]' }] });
    expect(text()).toBe('data: {"id":"x",\ndata: "choices":[{"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n');
  });

  it("names the caller's route as the model of forwarded chunks, as re-encoded ones do", async () => {
    const { sse, text } = sink(true);
    await sse.write([], { format: 'openai', messages: [{ data: '{"id":"x","model":"gpt-upstream","choices":[{"delta":{"content":"model"}}]}' }] });
    expect(text()).toBe('data: {"id":"x","model":"route","choices":[{"delta":{"content":"model"}}]}\n\n');
  });

  it('drops the usage-only chunk when the caller did not ask for usage', async () => {
    const { sse, text } = sink(false);
    await sse.write([], { format: 'openai', messages: [{ data: '{"id":"x","choices": [ ],"usage":{"prompt_tokens":1}}' }, { data: '[DONE]' }] });
    expect(text()).toBe('data: [DONE]\n\n');
  });

  it('keeps event names when both sides speak Anthropic, renaming the model in message_start', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => (text += chunk));
    const response = Object.assign(out, { writeHead: () => response, destroyed: false }) as unknown as ServerResponse;
    const sse = new SseSink(response, createAnthropicStreamEncoder({ publicModel: 'route' }), () => ({}), { format: 'anthropic', includeUsage: true, publicModel: 'route' });
    const start = { type: 'message_start', message: { id: 'm', model: 'claude-upstream', content: [] } };
    await sse.write([], { format: 'anthropic', messages: [{ event: 'message_start', data: JSON.stringify(start) }, { event: 'ping', data: '{"type":"ping"}' }] });
    expect(text).toBe(`event: message_start\ndata: ${JSON.stringify({ ...start, message: { ...start.message, model: 'route' } })}\n\nevent: ping\ndata: {"type":"ping"}\n\n`);
  });

  describe('the end of a forwarded OpenAI stream', () => {
    const start: StreamEvent = { type: 'start', id: 'chatcmpl-up', model: 'gpt-upstream', created: 7 };
    const finish: StreamEvent = { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: 12, outputTokens: 3 } };
    const opening = { data: '{"id":"chatcmpl-up","created":7,"model":"gpt-upstream","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"}}]}' };
    const finishChunk = { data: '{"id":"chatcmpl-up","created":7,"model":"gpt-upstream","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}' };
    const usageChunk = { data: '{"id":"chatcmpl-up","created":7,"model":"gpt-upstream","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}' };
    const datas = (text: string) => parseSseText(text).map((message) => (message.data === '[DONE]' ? message.data : JSON.parse(message.data)));
    const ourUsage = {
      id: 'chatcmpl-up',
      object: 'chat.completion.chunk',
      created: 7,
      model: 'route',
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    };

    it('adds the usage chunk the caller asked for, before [DONE], when the upstream sent none', async () => {
      const { sse, text } = sink(true);
      await sse.write([start], { format: 'openai', messages: [opening] });
      await sse.write([finish], { format: 'openai', messages: [finishChunk, { data: '[DONE]' }] });
      const out = datas(text());
      expect(out.slice(2)).toEqual([ourUsage, '[DONE]']);
      expect(out[1]).toMatchObject({ choices: [{ finish_reason: 'stop' }], model: 'route' });
    });

    it.each([
      ['its usage chunk', [finishChunk, usageChunk, { data: '[DONE]' }]],
      ['usage on its finishing chunk', [{ data: finishChunk.data.replace('}]}', '}],"usage":{"prompt_tokens":12,"completion_tokens":3}}') }, { data: '[DONE]' }]],
    ])('adds nothing when the upstream sent %s', async (_name, messages) => {
      const { sse, text } = sink(true);
      await sse.write([start], { format: 'openai', messages: [opening] });
      await sse.write([finish], { format: 'openai', messages });
      expect(datas(text()).filter((data) => JSON.stringify(data).includes('"usage":{'))).toHaveLength(1);
    });

    it('adds no usage chunk when the caller did not ask for usage', async () => {
      const { sse, text } = sink(false);
      await sse.write([start], { format: 'openai', messages: [opening] });
      await sse.write([finish], { format: 'openai', messages: [finishChunk, { data: '[DONE]' }] });
      expect(text()).not.toContain('"usage":{');
    });

    it('ends a stream that failed with the usage so far and then the error event, never [DONE]', async () => {
      const { sse, text } = sink(true);
      await sse.write([start], { format: 'openai', messages: [opening] });
      sse.fail(new JunctionError('upstream_stream_truncated', 'cut'), { inputTokens: 12, outputTokens: 3 });
      const out = datas(text());
      expect(out.slice(1)).toEqual([ourUsage, { error: expect.objectContaining({ code: 'upstream_stream_truncated' }) }]);
    });
  });

  it('ends a failed Anthropic stream with the error event alone (message_delta would need a stop_reason)', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => (text += chunk));
    const response = Object.assign(out, { writeHead: () => response, destroyed: false }) as unknown as ServerResponse;
    const sse = new SseSink(response, createAnthropicStreamEncoder({ publicModel: 'route' }), () => ({}), { format: 'anthropic', includeUsage: true, publicModel: 'route' });
    await sse.write([{ type: 'start', id: 'm', model: 'claude', created: 0 }], { format: 'anthropic', messages: [{ event: 'message_start', data: '{"type":"message_start","message":{"id":"m","model":"claude","content":[]}}' }] });
    sse.fail(new JunctionError('upstream_stream_truncated', 'cut'), { inputTokens: 12, outputTokens: 3 });
    expect(parseSseText(text).map((message) => message.event)).toEqual(['message_start', 'error']);
  });

  it('re-encodes a stream from another format', async () => {
    const { sse, text } = sink(true);
    await sse.write([{ type: 'start', id: 'c1', model: 'm', created: 1 }], { format: 'gemini', messages: [{ data: '{}' }] });
    expect(text()).toContain('"model":"route"');
    expect(text()).not.toContain('data: {}');
  });
});
