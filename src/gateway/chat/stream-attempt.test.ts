import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { roughTokens } from '../../routing/needs';
import { candidate } from '../../routing/strategies/__fixtures__/strategy-fixtures';
import type { StreamEvent, Usage } from '../../canonical/types';
import { adapterFor } from '../../providers';
import type { ProviderAdapter } from '../../providers/types';
import { Cancel } from '../execution/cancel';
import type { AttemptContext } from '../execution/executor';
import { RequestRecord } from '../request-record';
import { estimate, runStreamAttempt } from './stream-attempt';
import type { RawMessages, StreamSink } from './stream-sink';
import { UpstreamClient } from '../execution/upstream-client';

// A whole OpenAI stream, role to [DONE], which the upstream below sends in one write.
const chunk = (delta: object, finish: string | null = null, usage: object | null = null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], usage })}\n\n`;
const WHOLE_ANSWER = [
  chunk({ role: 'assistant', content: '' }),
  ...['Hel', 'lo', ', ', 'world'].map((text) => chunk({ content: text })),
  chunk({}, 'stop'),
  chunk({}, null, { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 }),
  'data: [DONE]\n\n',
].join('');

let server: Server;
const client = new UpstreamClient();
/** What the upstream sends, in one write; a test may change it and puts it back. */
let upstreamBody = WHOLE_ANSWER;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume().on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(upstreamBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The OpenAI adapter, counting the SSE messages its stream decoder has been given. */
function countingAdapter(): { adapter: ProviderAdapter; decoded: () => number } {
  const real = adapterFor(target.provider);
  let decoded = 0;
  const adapter: ProviderAdapter = {
    ...real,
    createStreamDecoder: (on) => {
      const decoder = real.createStreamDecoder(on);
      return {
        push: (message) => {
          decoded += 1;
          return decoder.push(message);
        },
        end: () => decoder.end(),
      };
    },
  };
  return { adapter, decoded: () => decoded };
}

/** A sink noting, per write, its events and how many messages had been decoded by then. */
class RecordingSink implements StreamSink {
  begun = false;
  writes: Array<{ events: StreamEvent[]; decodedBefore: number; raw?: RawMessages }> = [];
  constructor(private readonly decoded: () => number) {}
  begin(): void {
    this.begun = true;
  }
  write(events: StreamEvent[], raw?: RawMessages): void {
    this.writes.push({ events, decodedBefore: this.decoded(), raw });
  }
  fail(): void {}
  end(): void {}
}

const target = candidate('a', {}, { kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1' });

function attemptContext(reported: Usage[]): AttemptContext {
  const port = (server.address() as AddressInfo).port;
  const provider = { ...target.provider, baseUrl: `http://127.0.0.1:${port}/v1` };
  return {
    candidate: { ...target, provider, tier: 'primary', note: '' },
    cancel: new Cancel(),
    firstByte: () => {},
    clearTimeout: () => {},
    reportUsage: (usage) => reported.push(usage),
    claim: () => true,
  };
}

afterEach(() => {
  upstreamBody = WHOLE_ANSWER;
});

function run(sink: StreamSink, adapter: ProviderAdapter, reported: Usage[], maxTokens?: number) {
  const record = new RequestRecord({ requestId: 'r', route: 'chat', ingress: 'openai', endpoint: 'chat', stream: true, startedAt: 0 }, () => 0);
  const request = { model: 'chat', messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }], stream: true, ...(maxTokens === undefined ? {} : { maxTokens }) };
  return runStreamAttempt({ request, attempt: attemptContext(reported), client, adapter, record, sink, estimatedInputTokens: 3 });
}

describe('estimate', () => {
  it.each([
    [40, undefined, 10],
    [40, 25, 10],
    [40, 10, 10],
    [400, 25, 25],
    [400, 0, 0],
  ])('%i characters with max_tokens %s → %i output tokens', (chars, maxTokens, expected) => {
    expect(estimate(5, chars, maxTokens)).toEqual({ inputTokens: 5, outputTokens: expected });
  });
});

describe('runStreamAttempt', () => {
  it('bills a cut stream of long words no more output than max_tokens, which is all the budget reserved', async () => {
    // Eight long words are eight tokens or so, but 96 characters: the rough estimate says 24.
    const words = Array.from({ length: 8 }, () => ' information');
    upstreamBody = [chunk({ role: 'assistant', content: '' }), ...words.map((text) => chunk({ content: text })), 'data: [DONE]\n\n'].join('');
    const { adapter, decoded } = countingAdapter();
    const reported: Usage[] = [];

    await expect(run(new RecordingSink(decoded), adapter, reported, 8)).rejects.toMatchObject({ code: 'upstream_stream_truncated' });

    expect(roughTokens(words.join('').length)).toBeGreaterThan(8);
    expect(reported).toEqual([{ inputTokens: 3, outputTokens: 8 }]);
  });

  it('caps the estimate of a finish that came without usage at max_tokens too', async () => {
    upstreamBody = [chunk({ role: 'assistant', content: '' }), chunk({ content: ' information information information' }), chunk({}, 'length'), 'data: [DONE]\n\n'].join('');
    const { adapter, decoded } = countingAdapter();
    const reported: Usage[] = [];

    const usage = await run(new RecordingSink(decoded), adapter, reported, 3);

    expect(usage).toEqual({ inputTokens: 3, outputTokens: 3 });
    expect(reported).toEqual([usage]);
  });

  it('fails a stream that sends [DONE] without a finish_reason as truncated: the text decoded before it reaches the sink, the [DONE] never does', async () => {
    upstreamBody = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), 'data: [DONE]\n\n'].join('');
    const { adapter, decoded } = countingAdapter();
    const sink = new RecordingSink(decoded);
    const reported: Usage[] = [];

    await expect(run(sink, adapter, reported)).rejects.toMatchObject({ code: 'upstream_stream_truncated' });

    const events = sink.writes.flatMap((write) => write.events);
    expect(events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('')).toBe('Hello');
    expect(events.some((event) => event.type === 'finish')).toBe(false);
    expect(sink.writes.flatMap((write) => write.raw?.messages ?? []).map((message) => message.data)).not.toContain('[DONE]');
    // Billed on an estimate that counts the text the caller got.
    expect(reported).toEqual([{ inputTokens: 3, outputTokens: roughTokens('Hello'.length) }]);
  });

  it('gives a finish without upstream usage the estimate the attempt reports, so the caller and the ledger see one figure', async () => {
    upstreamBody = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hello' }), chunk({}, 'stop'), 'data: [DONE]\n\n'].join('');
    const { adapter, decoded } = countingAdapter();
    const sink = new RecordingSink(decoded);
    const reported: Usage[] = [];

    const usage = await run(sink, adapter, reported);

    const finish = sink.writes.flatMap((write) => write.events).find((event) => event.type === 'finish');
    expect(usage).toEqual({ inputTokens: 3, outputTokens: roughTokens('Hello'.length) });
    expect(finish).toMatchObject({ type: 'finish', usage });
    expect(reported).toEqual([usage]);
  });

  it('sends the first event before decoding the rest of a chunk that holds the whole answer, then the rest in one write', async () => {
    const { adapter, decoded } = countingAdapter();
    const sink = new RecordingSink(decoded);
    const reported: Usage[] = [];
    const record = new RequestRecord({ requestId: 'r', route: 'chat', ingress: 'openai', endpoint: 'chat', stream: true, startedAt: 0 }, () => 0);
    const request = { model: 'chat', messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }], stream: true };

    const usage = await runStreamAttempt({ request, attempt: attemptContext(reported), client, adapter, record, sink, estimatedInputTokens: 3 });

    expect(sink.begun).toBe(true);
    expect(sink.writes[0].decodedBefore).toBe(1);
    expect(sink.writes[0].raw?.messages).toHaveLength(1);
    // Everything else went out together once the chunk was decoded: 8 messages in all.
    expect(sink.writes).toHaveLength(2);
    expect(sink.writes[1].decodedBefore).toBe(8);
    const events = sink.writes.flatMap((write) => write.events);
    const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
    expect(text).toBe('Hello, world');
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop' } });
    expect(usage).toMatchObject({ inputTokens: 7, outputTokens: 4 });
    expect(reported.at(-1)).toEqual(usage);
  });
});
