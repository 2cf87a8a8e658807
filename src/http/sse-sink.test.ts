import { PassThrough } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
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

  it('re-encodes a stream from another format', async () => {
    const { sse, text } = sink(true);
    await sse.write([{ type: 'start', id: 'c1', model: 'm', created: 1 }], { format: 'gemini', messages: [{ data: '{}' }] });
    expect(text()).toContain('"model":"route"');
    expect(text()).not.toContain('data: {}');
  });
});
