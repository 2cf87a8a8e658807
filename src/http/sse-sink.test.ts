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
  const sse = new SseSink(response, createOpenAIStreamEncoder({ publicModel: 'route', includeUsage }), () => ({}), { format: 'openai', includeUsage });
  return { sse, text: () => text };
}

describe('SseSink pass-through', () => {
  it('forwards same-format messages without re-encoding, keeping multi-line data valid', async () => {
    const { sse, text } = sink(true);
    await sse.write([], { format: 'openai', messages: [{ data: '{"id":"x",\n"choices":[{"delta":{"content":"hi"}}]}' }, { data: '[DONE]' }] });
    expect(text()).toBe('data: {"id":"x",\ndata: "choices":[{"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n');
  });

  it('drops the usage-only chunk when the caller did not ask for usage', async () => {
    const { sse, text } = sink(false);
    await sse.write([], { format: 'openai', messages: [{ data: '{"id":"x","choices": [ ],"usage":{"prompt_tokens":1}}' }, { data: '[DONE]' }] });
    expect(text()).toBe('data: [DONE]\n\n');
  });

  it('keeps event names when both sides speak Anthropic', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => (text += chunk));
    const response = Object.assign(out, { writeHead: () => response, destroyed: false }) as unknown as ServerResponse;
    const sse = new SseSink(response, createAnthropicStreamEncoder({ publicModel: 'route' }), () => ({}), { format: 'anthropic', includeUsage: true });
    await sse.write([], { format: 'anthropic', messages: [{ event: 'ping', data: '{"type":"ping"}' }] });
    expect(text).toBe('event: ping\ndata: {"type":"ping"}\n\n');
  });

  it('re-encodes a stream from another format', async () => {
    const { sse, text } = sink(true);
    await sse.write([{ type: 'start', id: 'c1', model: 'm', created: 1 }], { format: 'gemini', messages: [{ data: '{}' }] });
    expect(text()).toContain('"model":"route"');
    expect(text()).not.toContain('data: {}');
  });
});
