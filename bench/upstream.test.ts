import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchUsage, renderCompletion, renderStream, STREAM_PIECES, startMinimalUpstream } from './upstream';

function events(sse: string): string[] {
  return sse.split('\n\n').filter((frame) => frame.length > 0).map((frame) => frame.replace(/^data: /, ''));
}

describe('minimal upstream bodies', () => {
  it('streams about 50 chunks whose text is the complete answer, then usage, then [DONE]', () => {
    const frames = events(renderStream('bench-a', true));
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame));
    expect(chunks).toHaveLength(STREAM_PIECES + 3);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: benchUsage() });
    const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe(JSON.parse(renderCompletion('bench-a')).choices[0].message.content);
  });

  it('leaves usage out of the stream unless asked for', () => {
    const frames = events(renderStream('bench-a', false)).slice(0, -1).map((frame) => JSON.parse(frame));
    expect(frames).toHaveLength(STREAM_PIECES + 2);
    expect(frames.some((chunk) => 'usage' in chunk)).toBe(false);
  });
});

describe('minimal upstream over HTTP, read by the official OpenAI client', () => {
  let upstream: Awaited<ReturnType<typeof startMinimalUpstream>>;
  let client: OpenAI;
  beforeAll(async () => {
    upstream = await startMinimalUpstream(0);
    client = new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: 'bench', maxRetries: 0 });
  });
  afterAll(() => upstream.close());

  it('answers a plain request with the model asked for and fixed usage', async () => {
    const completion = await client.chat.completions.create({ model: 'bench-b', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.model).toBe('bench-b');
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: STREAM_PIECES * 2 });
  });

  it('streams with usage when asked', async () => {
    const stream = await client.chat.completions.create({ model: 'bench-c', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(chunks).toBe(STREAM_PIECES + 3);
    expect(text).toBe('lorem ipsum '.repeat(STREAM_PIECES));
    expect(usage?.total_tokens).toBe(12 + STREAM_PIECES * 2);
  });
});
