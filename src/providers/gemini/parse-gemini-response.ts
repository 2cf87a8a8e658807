import { JunctionError } from '../../errors';
import type { ChatResponse, ToolCall } from '../../canonical/types';
import { withThoughtSignature } from '../tool-call-id';
import { convertGeminiUsage } from './convert-gemini-usage';
import {
  geminiGenerateContentResponseSchema,
  type GeminiFunctionCall,
  type GeminiGenerateContentResponse,
  type GeminiResponsePart,
} from './gemini-api';
import { mapGeminiBlockReason, mapGeminiFinishReason } from './map-gemini-finish-reason';
import { geminiErrorFromObject } from './parse-gemini-error';

/**
 * Check that a value is a `GenerateContentResponse`. An `{ error: … }` object in its place
 * throws the matching coded error; any other shape throws `upstream_bad_response`.
 */
export function readGeminiResponse(value: unknown): GeminiGenerateContentResponse {
  const upstreamError = geminiErrorFromObject(value);
  if (upstreamError !== undefined) throw upstreamError;
  const result = geminiGenerateContentResponseSchema.safeParse(value);
  if (!result.success) {
    throw new JunctionError('upstream_bad_response', `Gemini answered with an unexpected shape: ${result.error.issues[0]?.message ?? 'invalid'}`, {
      cause: result.error,
    });
  }
  return result.data;
}

/**
 * A function call part as a canonical tool call. Gemini sends whole argument objects and, on
 * most models, no call id; the fallback id is the call's position in the answer, which keeps
 * replays identical and is unique within the answer, which is what callers match results by.
 * The part's thought signature rides in the id (see tool-call-id.ts).
 */
export function toToolCall(part: GeminiResponsePart & { functionCall: GeminiFunctionCall }, index: number): ToolCall {
  const { functionCall } = part;
  return {
    id: withThoughtSignature(functionCall.id ?? `call_${index}`, part.thoughtSignature),
    name: functionCall.name,
    arguments: JSON.stringify(functionCall.args ?? {}),
  };
}

export function isFunctionCall(part: GeminiResponsePart): part is GeminiResponsePart & { functionCall: GeminiFunctionCall } {
  return part.functionCall !== undefined;
}

/** Thought summaries are the model's notes to itself, not part of the answer. */
export function isAnswerText(part: GeminiResponsePart): part is GeminiResponsePart & { text: string } {
  return part.text !== undefined && part.text !== '' && part.thought !== true;
}

/**
 * When an answer was made, in Unix seconds (the `created` of OpenAI's wire): the body's
 * `createTime` when it has a readable one (Vertex AI sends it), else `arrivedAtMs`, the time
 * Junction read the answer, since the Gemini API's bodies carry no time at all.
 */
export function createdSeconds(createTime: string | undefined, arrivedAtMs: number): number {
  const made = createTime === undefined ? Number.NaN : Date.parse(createTime);
  return Math.floor((Number.isNaN(made) ? arrivedAtMs : made) / 1000);
}

/**
 * A whole `generateContent` body → canonical response, from the first candidate (Junction
 * never asks for more). A prompt blocked before any candidate is a `content-filter` finish with
 * empty text, not an error. `now` (Unix ms) dates an answer that does not say when it was made.
 */
export function parseGeminiChatResponse(body: unknown, fallbackModel: string, generateId: () => string, now: () => number): ChatResponse {
  const response = readGeminiResponse(body);
  const base = {
    id: response.responseId ?? generateId(),
    model: response.modelVersion ?? fallbackModel,
    created: createdSeconds(response.createTime, now()),
    usage: convertGeminiUsage(response.usageMetadata),
  };
  const candidate = response.candidates?.[0];
  if (candidate === undefined) {
    const blockReason = response.promptFeedback?.blockReason;
    if (blockReason === undefined) throw new JunctionError('upstream_bad_response', 'Gemini answered with no candidate and no block reason.');
    return { ...base, text: '', toolCalls: [], finishReason: mapGeminiBlockReason(blockReason) };
  }

  const parts = candidate.content?.parts ?? [];
  const text = parts.filter(isAnswerText).map((part) => part.text).join('');
  const toolCalls = parts.filter(isFunctionCall).map(toToolCall);
  return { ...base, text, toolCalls, finishReason: mapGeminiFinishReason(candidate.finishReason, toolCalls.length > 0) };
}
