/**
 * The OpenAI Chat Completions adapter. OpenAI-compatible servers (vLLM, Ollama, Groq, ...) use
 * this same adapter with a few options; see src/providers/openai-compatible.
 */
import { JunctionError } from '../../errors';
import type { ChatResponse, EmbeddingRequest, EmbeddingResponse } from '../../canonical/types';
import type { ProviderAdapter, UpstreamRequest, UpstreamTarget } from '../types';
import { convertOpenAIUsage } from './convert-openai-usage';
import { convertToOpenAIChatBody, type MaxTokensField } from './convert-to-openai-chat-body';
import { convertToOpenAISpeechBody } from './convert-to-openai-speech-body';
import { mapOpenAIFinishReason } from './map-openai-finish-reason';
import { acceptsOpenAIChatResponse } from './openai-answer-check';
import { openaiChatResponseSchema, openaiEmbeddingResponseSchema, parseWire, readOpenAIErrorDetail } from './openai-api';
import { openAIErrorFromBody, parseOpenAIError } from './openai-error';
import { createOpenAIStreamDecoder } from './openai-stream-decoder';

/** What differs between OpenAI itself and the servers that speak its API. */
export interface OpenAIAdapterOptions {
  /** The adapter's `kind` (default `openai`). */
  kind?: string;
  /** Names the upstream in error messages (default `OpenAI`). */
  label?: string;
  /** Field for the output-token limit (default `max_completion_tokens`). */
  maxTokensField?: MaxTokensField;
  /** Whether the upstream serves `POST /embeddings` (default true). */
  embeddings?: boolean;
}

export function createOpenAIAdapter(options: OpenAIAdapterOptions = {}): ProviderAdapter {
  const { kind = 'openai', label = 'OpenAI', maxTokensField = 'max_completion_tokens', embeddings = true } = options;

  const adapter: ProviderAdapter = {
    kind,
    format: 'openai',

    chatRequest(request, target) {
      const body = convertToOpenAIChatBody(request, target.deployment.model, maxTokensField);
      return post('/chat/completions', target, body);
    },

    parseChatResponse(body, target): ChatResponse {
      throwIfErrorBody(label, body);
      const response = acceptsOpenAIChatResponse(body) ? body : parseWire(openaiChatResponseSchema, body, `${label} chat completion`);
      const { message, finish_reason } = response.choices[0];
      return {
        id: response.id,
        model: response.model || target.deployment.model,
        created: response.created,
        // A refusal is the model's answer in words, so it is returned as the text.
        text: message.content || message.refusal || '',
        toolCalls: (message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })),
        finishReason: mapOpenAIFinishReason(finish_reason),
        usage: convertOpenAIUsage(response.usage),
      };
    },

    createStreamDecoder: () => createOpenAIStreamDecoder({ label }),

    speechRequest(request, target, voice, format) {
      return post('/audio/speech', target, convertToOpenAISpeechBody(request, target.deployment.model, voice, format));
    },

    parseError: (status, body, headers) => parseOpenAIError(label, status, body, headers),
  };

  if (!embeddings) return adapter;
  return {
    ...adapter,

    embeddingRequest(request: EmbeddingRequest, target: UpstreamTarget): UpstreamRequest {
      const body = {
        model: target.deployment.model,
        input: request.input,
        ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
        // Explicit because the official clients default to base64, which some servers mis-decode.
        encoding_format: 'float',
        ...(request.user === undefined ? {} : { user: request.user }),
      };
      return post('/embeddings', target, body);
    },

    parseEmbeddingResponse(body: unknown, target: UpstreamTarget): EmbeddingResponse {
      throwIfErrorBody(label, body);
      const response = parseWire(openaiEmbeddingResponseSchema, body, `${label} embeddings response`);
      // The order of `data` is not promised; `index` is.
      const data = [...response.data].sort((a, b) => a.index - b.index);
      return {
        model: response.model || target.deployment.model,
        embeddings: data.map((item) => item.embedding),
        usage: { inputTokens: response.usage.prompt_tokens, outputTokens: 0 },
      };
    },
  };
}

/** The adapter for OpenAI itself. */
export const openaiAdapter = createOpenAIAdapter();

function post(path: string, target: UpstreamTarget, body: unknown): UpstreamRequest {
  const { apiKey, headers } = target.provider;
  return {
    method: 'POST',
    path,
    headers: {
      'content-type': 'application/json',
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      // Last, so a provider can replace the auth scheme (Azure's `api-key`, say).
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

/** Some servers (OpenRouter among them) answer 200 with an error body when a model fails late. */
function throwIfErrorBody(label: string, body: unknown): void {
  if (typeof body !== 'object' || body === null || !('error' in body) || body.error === null) return;
  const detail = readOpenAIErrorDetail(body);
  if (detail) throw openAIErrorFromBody(label, detail);
  throw new JunctionError('upstream_bad_response', `${label} answered 2xx with an unreadable error body`);
}
