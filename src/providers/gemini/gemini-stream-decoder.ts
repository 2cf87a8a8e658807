import { JunctionError } from '../../errors';
import type { FinishReason, StreamEvent } from '../../canonical/types';
import type { SseMessage, StreamDecoder } from '../types';
import { convertGeminiUsage } from './convert-gemini-usage';
import type { GeminiUsageMetadata } from './gemini-api';
import { mapGeminiBlockReason, mapGeminiFinishReason } from './map-gemini-finish-reason';
import { createdSeconds, isAnswerText, isFunctionCall, readGeminiResponse, toToolCall } from './parse-gemini-response';

/**
 * Decoder of `streamGenerateContent?alt=sse`. Every SSE `data` is a whole
 * `GenerateContentResponse` holding the next slice of the first candidate: text parts are
 * deltas, function calls arrive whole (so each gives a `tool-call-start` and one
 * `tool-call-delta` with all its arguments). Gemini sends no terminal marker: the chunk with a
 * `finishReason` is usually the last, and usage may still follow, so `finish` is emitted by
 * `end()`, and only once a finish reason was seen; a stream that just stops is truncated.
 */
export function createGeminiStreamDecoder(fallbackModel: string, generateId: () => string, now: () => number): StreamDecoder {
  let started = false;
  let toolCallCount = 0;
  let finishReason: string | undefined;
  let blockReason: string | undefined;
  let usage: GeminiUsageMetadata | undefined;

  function push(message: SseMessage): StreamEvent[] {
    const chunk = readGeminiResponse(parseData(message.data));
    const events: StreamEvent[] = [];
    if (!started) {
      started = true;
      events.push({ type: 'start', id: chunk.responseId ?? generateId(), model: chunk.modelVersion ?? fallbackModel, created: createdSeconds(chunk.createTime, now()) });
    }
    if (chunk.usageMetadata !== undefined) usage = chunk.usageMetadata;
    blockReason = chunk.promptFeedback?.blockReason ?? blockReason;

    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (isAnswerText(part)) events.push({ type: 'text-delta', text: part.text });
      if (isFunctionCall(part)) {
        const index = toolCallCount;
        toolCallCount += 1;
        const call = toToolCall(part, index);
        events.push({ type: 'tool-call-start', index, id: call.id, name: call.name });
        events.push({ type: 'tool-call-delta', index, argumentsDelta: call.arguments });
      }
    }
    finishReason = candidate?.finishReason ?? finishReason;
    return events;
  }

  function end(): StreamEvent[] {
    const reason = finalReason();
    if (reason === undefined) throw new JunctionError('upstream_stream_truncated', 'The Gemini stream ended before a finish reason.');
    return [{ type: 'finish', finishReason: reason, usage: usage === undefined ? undefined : convertGeminiUsage(usage) }];
  }

  function finalReason(): FinishReason | undefined {
    if (finishReason !== undefined) return mapGeminiFinishReason(finishReason, toolCallCount > 0);
    // A prompt blocked outright streams one chunk with a block reason and no candidate.
    if (blockReason !== undefined) return mapGeminiBlockReason(blockReason);
    return undefined;
  }

  return { push, end };
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    throw new JunctionError('upstream_bad_response', 'A Gemini stream chunk is not valid JSON.', { cause: error });
  }
}
