/**
 * The shared conformance suite every provider adapter runs (CONVENTIONS: one suite per port).
 * Fixtures are recorded wire data: request bodies are pinned by file snapshot, responses and
 * streams are replayed through the adapter and must yield the expected canonical result.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJunctionError, type ErrorCode } from '../../src/errors';
import type { ChatRequest, EmbeddingRequest, FinishReason, StreamEvent, ToolCall, Usage } from '../../src/canonical/types';
import { createSseSplitter, parseSseText } from '../../src/wire/sse';
import type { ProviderAdapter, SseMessage, UpstreamTarget } from '../../src/providers/types';

export interface ExpectedResult {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage | undefined;
}

export interface AdapterFixtures {
  target: UpstreamTarget;
  /** Directory where request-body snapshots live (`<dir>/<name>.json`). */
  snapshotDir: string;
  requests: Array<{ name: string; request: ChatRequest }>;
  responses: Array<{ name: string; body: unknown; expected: ExpectedResult }>;
  /** `sse` is the raw recorded stream text. */
  streams: Array<{ name: string; sse: string; expected: ExpectedResult }>;
  /** 2xx bodies that parse as JSON but are not a valid response. */
  wrongShapeBodies: unknown[];
  errors: Array<{ name: string; status: number; body: string; headers?: Record<string, string>; code: ErrorCode; retryAfterMs?: number }>;
  embeddings?: {
    requests: Array<{ name: string; request: EmbeddingRequest }>;
    responses: Array<{ name: string; body: unknown; expected: { embeddings: number[][]; usage: Usage } }>;
  };
}

/** Fold canonical stream events into the same shape as a whole response. */
export function collectStream(events: StreamEvent[]): ExpectedResult & { starts: number; finishes: number } {
  let text = '';
  const calls: ToolCall[] = [];
  let finishReason: FinishReason | undefined;
  let usage: Usage | undefined;
  let starts = 0;
  let finishes = 0;
  for (const event of events) {
    switch (event.type) {
      case 'start': starts += 1; break;
      case 'text-delta': text += event.text; break;
      case 'tool-call-start': calls[event.index] = { id: event.id, name: event.name, arguments: '' }; break;
      case 'tool-call-delta': calls[event.index].arguments += event.argumentsDelta; break;
      case 'finish': finishes += 1; finishReason = event.finishReason; usage = event.usage; break;
    }
  }
  return { text, toolCalls: calls, finishReason: finishReason!, usage: usage!, starts, finishes };
}

function replay(adapter: ProviderAdapter, target: UpstreamTarget, messages: SseMessage[]): StreamEvent[] {
  const decoder = adapter.createStreamDecoder(target);
  const events: StreamEvent[] = [];
  for (const message of messages) events.push(...decoder.push(message));
  events.push(...decoder.end());
  return events;
}

function expectCode(fn: () => unknown, code: ErrorCode): void {
  try {
    fn();
  } catch (error) {
    expect(isJunctionError(error), `expected a JunctionError, got ${String(error)}`).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code} to be thrown`);
}

export function runProviderAdapterSuite(name: string, adapter: ProviderAdapter, fixtures: AdapterFixtures): void {
  const { target } = fixtures;
  describe(`provider adapter conformance: ${name}`, () => {
    it.each(fixtures.requests)('request body $name matches its snapshot', async ({ name: caseName, request }) => {
      const upstream = adapter.chatRequest(request, target);
      expect(upstream.method).toBe('POST');
      expect(upstream.path.startsWith('/')).toBe(true);
      const body = JSON.parse(upstream.body);
      await expect(JSON.stringify(body, null, 2) + '\n').toMatchFileSnapshot(`${fixtures.snapshotDir}/${caseName}.json`);
    });

    it('never puts the API key in the body', () => {
      for (const { request } of fixtures.requests) {
        const upstream = adapter.chatRequest(request, target);
        if (target.provider.apiKey) expect(upstream.body).not.toContain(target.provider.apiKey);
      }
    });

    it.each(fixtures.responses)('response $name parses to the canonical response', ({ body, expected }) => {
      const response = adapter.parseChatResponse(body, target);
      expect({ text: response.text, toolCalls: response.toolCalls, finishReason: response.finishReason, usage: response.usage }).toEqual(expected);
      expect(typeof response.id).toBe('string');
    });

    it.each(fixtures.wrongShapeBodies.map((body, index) => ({ index, body })))('wrong-shape body #$index is upstream_bad_response', ({ body }) => {
      expectCode(() => adapter.parseChatResponse(body, target), 'upstream_bad_response');
    });

    it.each(fixtures.streams)('stream $name replays to the canonical result', ({ sse, expected }) => {
      const events = replay(adapter, target, parseSseText(sse));
      const collected = collectStream(events);
      expect(collected.starts).toBe(1);
      expect(collected.finishes).toBe(1);
      expect(events[0].type).toBe('start');
      expect(events.at(-1)!.type).toBe('finish');
      expect({ text: collected.text, toolCalls: collected.toolCalls, finishReason: collected.finishReason, usage: collected.usage }).toEqual(expected);
    });

    it.each(fixtures.streams)('stream $name decodes the same whatever the chunk boundaries', ({ sse }) => {
      const whole = replay(adapter, target, parseSseText(sse));
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: sse.length }), { maxLength: 12 }), (cuts) => {
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const messages: SseMessage[] = [];
          const splitter = createSseSplitter((message) => messages.push(message));
          let from = 0;
          for (const point of [...points, sse.length]) {
            splitter.feed(sse.slice(from, point));
            from = point;
          }
          splitter.flush();
          expect(replay(adapter, target, messages)).toEqual(whole);
        }),
        { numRuns: 40 },
      );
    });

    it.each(fixtures.streams)('stream $name cut short is upstream_stream_truncated, never a silent finish', ({ sse }) => {
      const messages = parseSseText(sse);
      // Every prefix that drops the stream's last message (its terminal marker or finishing chunk).
      for (let keep = 0; keep < messages.length; keep += 1) {
        const decoder = adapter.createStreamDecoder(target);
        expectCode(() => {
          for (const message of messages.slice(0, keep)) decoder.push(message);
          decoder.end();
        }, 'upstream_stream_truncated');
      }
    });

    it('malformed stream data is upstream_bad_response', () => {
      const decoder = adapter.createStreamDecoder(target);
      expectCode(() => {
        decoder.push({ data: '{"not json' });
      }, 'upstream_bad_response');
    });

    it.each(fixtures.errors)('error $name is classified as $code', ({ status, body, headers, code, retryAfterMs }) => {
      const error = adapter.parseError(status, body, headers ?? {});
      expect(error.code).toBe(code);
      expect(error.upstreamStatus).toBe(status);
      if (retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(retryAfterMs);
    });

    if (fixtures.embeddings) {
      const { requests, responses } = fixtures.embeddings;
      it.each(requests)('embedding request $name matches its snapshot', async ({ name: caseName, request }) => {
        const upstream = adapter.embeddingRequest!(request, target);
        await expect(JSON.stringify(JSON.parse(upstream.body), null, 2) + '\n').toMatchFileSnapshot(`${fixtures.snapshotDir}/${caseName}.json`);
      });
      it.each(responses)('embedding response $name parses', ({ body, expected }) => {
        const response = adapter.parseEmbeddingResponse!(body, target);
        expect({ embeddings: response.embeddings, usage: response.usage }).toEqual(expected);
      });
    }
  });
}
