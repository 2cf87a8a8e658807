/**
 * `POST /v1/embeddings`: request decoding and response encoding. The openai v6 client asks for
 * `encoding_format: 'base64'` unless the caller chose a format, and decodes the strings as
 * little-endian float32, so base64 is the common case, not an edge.
 */
import { Buffer } from 'node:buffer';
import { z } from 'zod';
import type { EmbeddingRequest, EmbeddingResponse } from '../../../canonical/types';
import { invalidRequest } from '../shared/invalid-request';
import { expecting, parseRequestBody } from '../shared/parse-request-body';

export type EmbeddingEncodingFormat = 'float' | 'base64';

export const openAIEmbeddingsRequestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
    error: expecting('a string or an array of strings'),
  }),
  dimensions: z.int().min(1).nullish(),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  user: z.string().nullish(),
});

export interface DecodedOpenAIEmbeddings {
  request: EmbeddingRequest;
  encodingFormat: EmbeddingEncodingFormat;
}

/** An embeddings request body → canonical request. Throws `invalid_request` naming the field. */
export function decodeOpenAIEmbeddings(body: unknown): DecodedOpenAIEmbeddings {
  rejectTokenInput(body);
  const parsed = parseRequestBody(openAIEmbeddingsRequestSchema, body);
  const request: EmbeddingRequest = {
    model: parsed.model,
    input: typeof parsed.input === 'string' ? [parsed.input] : parsed.input,
    ...(parsed.dimensions == null ? {} : { dimensions: parsed.dimensions }),
    ...(parsed.user == null ? {} : { user: parsed.user }),
  };
  return { request, encodingFormat: parsed.encoding_format ?? 'float' };
}

// Pre-tokenised input only means something for one tokenizer; across providers it cannot be
// honoured, and saying so beats the schema's "expected a string, got 1012".
function rejectTokenInput(body: unknown): void {
  if (typeof body !== 'object' || body === null || !('input' in body) || !Array.isArray(body.input)) return;
  if (body.input.some((item: unknown) => typeof item === 'number' || Array.isArray(item))) {
    throw invalidRequest(['input'], 'token arrays are not supported; send the text as a string or an array of strings');
  }
}

/** The list object returned by `POST /v1/embeddings`. */
export interface OpenAIEmbeddingList {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** Canonical embeddings → OpenAI's list, each vector as numbers or as base64 float32. */
export function encodeOpenAIEmbeddings(
  response: EmbeddingResponse,
  publicModel: string,
  encodingFormat: EmbeddingEncodingFormat,
): OpenAIEmbeddingList {
  return {
    object: 'list',
    data: response.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: encodingFormat === 'base64' ? encodeFloat32Base64(vector) : vector,
    })),
    model: publicModel,
    usage: { prompt_tokens: response.usage.inputTokens, total_tokens: response.usage.inputTokens },
  };
}

/** Little-endian float32, whatever the host's byte order, as OpenAI and its clients expect. */
export function encodeFloat32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}
