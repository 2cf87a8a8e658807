/**
 * The Gemini API adapter: `generateContent`, `streamGenerateContent?alt=sse` and
 * `batchEmbedContents` under a base URL such as `https://generativelanguage.googleapis.com/v1beta`.
 * Pure translation; the gateway's upstream client sends what it builds.
 */
import type { EmbeddingRequest, EmbeddingResponse } from '../../canonical/types';
import type { ProviderAdapter, UpstreamRequest, UpstreamTarget } from '../types';
import { convertToGeminiRequest } from './convert-to-gemini-request';
import { convertToGeminiEmbeddingRequest, parseGeminiEmbeddingResponse } from './gemini-embeddings';
import { createGeminiStreamDecoder } from './gemini-stream-decoder';
import { parseGeminiError } from './parse-gemini-error';
import { parseGeminiChatResponse } from './parse-gemini-response';

export interface GeminiAdapterOptions {
  /**
   * Makes the response id when Gemini sends no `responseId`. Injected so that tests and replays
   * are deterministic; defaults to a random UUID.
   */
  generateId?: () => string;
  /** Clock (Unix milliseconds): dates answers that carry no `createTime`, and reads HTTP-date Retry-After headers. */
  now?: () => number;
}

/** The Gemini adapter's port, plus the request text in `parseEmbeddingResponse` for estimating tokens. */
export interface GeminiAdapter extends ProviderAdapter {
  embeddingRequest(request: EmbeddingRequest, target: UpstreamTarget): UpstreamRequest;
  /** Pass `request` to get an estimate of input tokens, which Gemini does not report. */
  parseEmbeddingResponse(body: unknown, target: UpstreamTarget, request?: EmbeddingRequest): EmbeddingResponse;
}

export function createGeminiAdapter(options: GeminiAdapterOptions = {}): GeminiAdapter {
  const generateId = options.generateId ?? (() => `gemini-${globalThis.crypto.randomUUID()}`);
  const now = options.now ?? Date.now;

  return {
    kind: 'gemini',
    format: 'gemini',

    chatRequest(request, target) {
      const method = request.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
      return post(target, `${modelPath(target)}:${method}`, convertToGeminiRequest(request));
    },

    parseChatResponse(body, target) {
      return parseGeminiChatResponse(body, target.deployment.model, generateId, now);
    },

    createStreamDecoder(target) {
      return createGeminiStreamDecoder(target.deployment.model, generateId, now);
    },

    embeddingRequest(request, target) {
      return post(target, `${modelPath(target)}:batchEmbedContents`, convertToGeminiEmbeddingRequest(request, bareModel(target)));
    },

    parseEmbeddingResponse(body, target, request) {
      return parseGeminiEmbeddingResponse(body, target.deployment.model, request);
    },

    parseError(status, body, headers) {
      return parseGeminiError(status, body, headers, now());
    },
  };
}

/** The adapter with default options, for the provider registry. */
export const geminiAdapter: GeminiAdapter = createGeminiAdapter();

function post(target: UpstreamTarget, path: string, body: unknown): UpstreamRequest {
  const { provider } = target;
  return {
    method: 'POST',
    path,
    headers: {
      'content-type': 'application/json',
      ...(provider.apiKey === undefined || provider.apiKey === '' ? {} : { 'x-goog-api-key': provider.apiKey }),
      // Operator-configured headers come last so that a proxy in front of Gemini can be served.
      ...provider.headers,
    },
    body: JSON.stringify(body),
  };
}

/** The model id without the `models/` resource prefix some configs copy from Google's docs. */
function bareModel(target: UpstreamTarget): string {
  return target.deployment.model.replace(/^models\//, '');
}

function modelPath(target: UpstreamTarget): string {
  return `/models/${encodeURIComponent(bareModel(target))}`;
}
