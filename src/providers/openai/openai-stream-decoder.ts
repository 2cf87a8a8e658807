/**
 * Decoder of an OpenAI chat completion stream. The finish reason arrives on the last choice
 * chunk, but the usage (asked for with `stream_options.include_usage`) comes in a chunk of its
 * own after it, so `finish` is emitted only at `data: [DONE]`: that is the one sign the upstream
 * finished rather than dropped the connection. `[DONE]` alone proves nothing, though: a server or
 * proxy that lost the answer half way may still close with it, so a stream that never gave a
 * finish reason is truncated whatever marker ends it.
 */
import { JunctionError } from '../../errors';
import { isObject } from '../../wire/shape-checks';
import type { StreamEvent, Usage } from '../../canonical/types';
import type { SseMessage, StreamDecoder } from '../types';
import { convertOpenAIUsage } from './convert-openai-usage';
import { mapOpenAIFinishReason } from './map-openai-finish-reason';
import { acceptsOpenAIChatChunk } from './openai-answer-check';
import { openaiChatChunkSchema, parseWire, readOpenAIErrorDetail, type OpenAIChatChunk, type OpenAIToolCallDelta } from './openai-api';
import { openAIErrorFromBody } from './openai-error';
import { TextChunkTemplate } from '../text-chunk-template';

export interface OpenAIStreamDecoderOptions {
  /** Names the upstream in error messages, e.g. `OpenAI` or `vLLM`. */
  label: string;
}

export function createOpenAIStreamDecoder({ label }: OpenAIStreamDecoderOptions): StreamDecoder {
  let started = false;
  let done = false;
  let finishReason: string | undefined;
  let usage: Usage | undefined;
  // Upstream tool-call index → canonical index, so canonical indices are dense and zero-based
  // whatever the upstream numbers them.
  const toolIndices = new Map<number, number>();
  let lastToolIndex: number | undefined;
  // Chunks that only carry the next piece of text: `{…"choices":[{…"delta":{"content":"…"}…}]…}`.
  const textChunks = new TextChunkTemplate('content', 4, (chunk) => (chunk as OpenAIChatChunk | undefined)?.choices?.[0]?.delta?.content);

  function toolCallEvents(delta: OpenAIToolCallDelta): StreamEvent[] {
    const events: StreamEvent[] = [];
    const name = delta.function?.name;
    // Without an index, a delta carrying an id opens a new call and one without continues the last.
    const upstreamIndex = delta.index ?? (delta.id ? toolIndices.size : lastToolIndex);
    let index = upstreamIndex === undefined ? undefined : toolIndices.get(upstreamIndex);
    if (index === undefined) {
      if (upstreamIndex === undefined || !delta.id || !name) {
        throw new JunctionError('upstream_bad_response', `${label} stream continued a tool call it never started`);
      }
      index = toolIndices.size;
      toolIndices.set(upstreamIndex, index);
      events.push({ type: 'tool-call-start', index, id: delta.id, name });
    }
    lastToolIndex = upstreamIndex;
    const argumentsDelta = delta.function?.arguments;
    if (argumentsDelta) events.push({ type: 'tool-call-delta', index, argumentsDelta });
    return events;
  }

  function chunkEvents(data: string): StreamEvent[] {
    const text = textChunks.match(data);
    if (text !== undefined) return [{ type: 'text-delta', text }];
    const json = parseJson(data, label);
    const errorDetail = isObject(json) && 'error' in json ? readOpenAIErrorDetail(json) : undefined;
    if (errorDetail) throw openAIErrorFromBody(label, errorDetail);
    const chunk = acceptsOpenAIChatChunk(json) ? json : parseWire(openaiChatChunkSchema, json, `${label} stream chunk`);

    const events: StreamEvent[] = [];
    const learnable = started && chunk.choices.length === 1 && !chunk.usage;
    if (!started) {
      started = true;
      events.push({ type: 'start', id: chunk.id, model: chunk.model, created: chunk.created });
    }
    // Junction never asks for n > 1, so only the first choice matters.
    const choice = chunk.choices.find((candidate) => (candidate.index ?? 0) === 0);
    if (choice) {
      const delta = choice.delta;
      // A refusal is the model's answer in words, so it travels as text.
      const text = delta?.content || delta?.refusal;
      if (text) events.push({ type: 'text-delta', text });
      for (const call of delta?.tool_calls ?? []) events.push(...toolCallEvents(call));
      if (choice.finish_reason) finishReason = choice.finish_reason;
      if (learnable && typeof delta?.content === 'string' && delta.content !== '' && !delta.refusal && !delta.tool_calls && !choice.finish_reason) textChunks.learn(data);
    }
    // Usually its own chunk with `choices: []`; some servers put it on the finishing chunk.
    if (chunk.usage) usage = convertOpenAIUsage(chunk.usage);
    return events;
  }

  return {
    push(message: SseMessage): StreamEvent[] {
      if (done) return [];
      const data = message.data.trim();
      if (data === '') return [];
      if (data !== '[DONE]') return chunkEvents(data);
      done = true;
      if (finishReason === undefined) {
        const where = started ? 'without a finish_reason' : 'before its first chunk';
        throw new JunctionError('upstream_stream_truncated', `${label} stream sent [DONE] ${where}`);
      }
      return [{ type: 'finish', finishReason: mapOpenAIFinishReason(finishReason), usage }];
    },
    end(): StreamEvent[] {
      if (done) return [];
      const where = finishReason === undefined ? 'before the model finished' : 'after the finish reason but before [DONE]';
      throw new JunctionError('upstream_stream_truncated', `${label} stream ended ${where}`);
    },
  };
}

function parseJson(data: string, label: string): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    throw new JunctionError('upstream_bad_response', `${label} stream sent data that is not JSON: ${data.slice(0, 80)}`, { cause: error });
  }
}
