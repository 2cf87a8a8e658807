/**
 * The provider adapter port. An adapter is pure translation: canonical request → upstream HTTP
 * request, upstream body/stream → canonical response/events, upstream error → coded error.
 * It does no I/O; the gateway's upstream client sends what it builds.
 */
import type { JunctionError } from '../errors';
import type { Deployment, Provider } from '../routing/catalog';
import type { SpeechFormat, SpeechRequest } from '../canonical/speech';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, StreamEvent, WireFormat } from '../canonical/types';

/** What an adapter needs to know about where it sends. */
export interface UpstreamTarget {
  provider: Provider;
  deployment: Deployment;
}

/** One HTTP request to send upstream. `path` is appended to the provider's base URL. */
export interface UpstreamRequest {
  method: 'POST' | 'GET';
  /** Path (and query) relative to `provider.baseUrl`, starting with `/`. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** One server-sent event as split by the SSE parser. */
export interface SseMessage {
  event?: string;
  data: string;
}

/**
 * Stateful decoder of one upstream stream. `push` takes each SSE message and returns the
 * canonical events it completes (often none). `end` is called when the upstream body ends and
 * returns the last events; it throws `upstream_stream_truncated` if the stream stopped before a
 * proper finish. Malformed event data throws `upstream_bad_response`; an in-stream error event
 * from the upstream throws the matching coded error.
 */
export interface StreamDecoder {
  push(message: SseMessage): StreamEvent[];
  end(): StreamEvent[];
}

export interface ProviderAdapter {
  readonly kind: string;
  /** The wire format it speaks, to tell when the caller speaks the same one (pass-through). */
  readonly format: WireFormat;
  chatRequest(request: ChatRequest, target: UpstreamTarget): UpstreamRequest;
  /** Throws `upstream_bad_response` when the 2xx body has the wrong shape. */
  parseChatResponse(body: unknown, target: UpstreamTarget): ChatResponse;
  createStreamDecoder(target: UpstreamTarget): StreamDecoder;
  /** Absent when the provider kind has no embeddings API. */
  embeddingRequest?(request: EmbeddingRequest, target: UpstreamTarget): UpstreamRequest;
  /** `request` lets adapters whose API reports no token counts estimate them. */
  parseEmbeddingResponse?(body: unknown, target: UpstreamTarget, request?: EmbeddingRequest): EmbeddingResponse;
  /** Absent when the provider kind has no speech API. The answer is audio bytes, not JSON. */
  speechRequest?(request: SpeechRequest, target: UpstreamTarget, voice: string, format: SpeechFormat): UpstreamRequest;
  /**
   * Classify a non-2xx upstream answer. `body` is the raw text (may not be JSON).
   * Must map: 400/404/422 → upstream_bad_request (or context_length_exceeded when the body says
   * so), 401/403 → upstream_auth, 429 → upstream_rate_limited with retryAfterMs from
   * `retry-after-ms` / `retry-after` headers, 503/529 → upstream_overloaded, other 5xx →
   * upstream_server_error. The message should carry the upstream's own message.
   */
  parseError(status: number, body: string, headers: Record<string, string | string[] | undefined>): JunctionError;
}
