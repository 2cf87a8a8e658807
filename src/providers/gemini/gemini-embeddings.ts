import { JunctionError } from '../../errors';
import { countTotalTokens } from '../../tokens/token-count';
import type { EmbeddingRequest, EmbeddingResponse } from '../../canonical/types';
import { geminiBatchEmbedContentsResponseSchema, type GeminiBatchEmbedContentsRequest } from './gemini-api';

/** One `batchEmbedContents` entry per input text, all for the same model, in input order. */
export function convertToGeminiEmbeddingRequest(request: EmbeddingRequest, model: string): GeminiBatchEmbedContentsRequest {
  return {
    requests: request.input.map((text) => ({
      model: `models/${model}`,
      content: { parts: [{ text }] },
      ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
    })),
  };
}

/**
 * `batchEmbedContents` body → canonical embeddings. The Gemini API reports no token counts for
 * embeddings, so input tokens are estimated with an OpenAI tokenizer over the request's texts
 * when the request is at hand (0 otherwise), and output tokens are 0: good enough for budgets
 * and rate limits, not for an invoice.
 */
export function parseGeminiEmbeddingResponse(body: unknown, model: string, request?: EmbeddingRequest): EmbeddingResponse {
  const result = geminiBatchEmbedContentsResponseSchema.safeParse(body);
  if (!result.success) {
    throw new JunctionError('upstream_bad_response', `Gemini answered embeddings with an unexpected shape: ${result.error.issues[0]?.message ?? 'invalid'}`, {
      cause: result.error,
    });
  }
  const embeddings = result.data.embeddings.map((embedding) => embedding.values);
  if (request !== undefined && embeddings.length !== request.input.length) {
    throw new JunctionError('upstream_bad_response', `Gemini returned ${embeddings.length} embeddings for ${request.input.length} inputs.`);
  }
  return { model, embeddings, usage: { inputTokens: estimateTokens(request?.input ?? []), outputTokens: 0 } };
}

/**
 * Token estimate of texts Gemini does not count for us: exact, in linear time, up to limits
 * shared by all the texts, past which the rest counts at its UTF-8 length (see `token-count.ts`).
 */
export function estimateTokens(texts: readonly string[]): number {
  return countTotalTokens(texts).tokens;
}
