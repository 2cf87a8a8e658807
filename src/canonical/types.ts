/**
 * Canonical request, response and stream-event types: the lingua franca between ingress
 * formats (what callers speak) and provider adapters (what upstreams speak). Every ingress
 * decodes to these, every adapter encodes from them, so N formats + M providers need N + M
 * converters.
 */

/** A JSON Schema object, passed through untouched. */
export type JsonSchema = Record<string, unknown>;

export type TextPart = { type: 'text'; text: string };
export type ImagePart = {
  type: 'image';
  source: { kind: 'url'; url: string } | { kind: 'base64'; mediaType: string; data: string };
};
export type ContentPart = TextPart | ImagePart;

/** One tool call made by the model; `arguments` is the JSON text exactly as the model produced it. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export type SystemMessage = { role: 'system'; content: string };
export type UserMessage = { role: 'user'; content: ContentPart[] };
export type AssistantMessage = { role: 'assistant'; content: TextPart[]; toolCalls?: ToolCall[] };
export type ToolMessage = { role: 'tool'; toolCallId: string; content: string; isError?: boolean };
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchema;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonSchema; strict?: boolean };

/** A chat request in Junction's own terms, whatever wire format it arrived in. */
export interface ChatRequest {
  /** The public model name the caller asked for: a route name. */
  model: string;
  /** System messages may appear anywhere; Anthropic's top-level `system` becomes the first message(s). */
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  responseFormat?: ResponseFormat;
  stream: boolean;
  /** Caller-side end-user id (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
}

export type FinishReasonUnified = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

/** The unified finish reason plus the provider's own word for it. */
export interface FinishReason {
  unified: FinishReasonUnified;
  raw: string | undefined;
}

/**
 * Token usage. `inputTokens` is the whole prompt, cached tokens included;
 * `cachedInputTokens` is the part of it read from the provider's prompt cache;
 * `reasoningTokens` is the part of `outputTokens` spent on reasoning.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

export interface ChatResponse {
  id: string;
  /** Upstream model id that answered. */
  model: string;
  /** Unix seconds. */
  created: number;
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
}

/**
 * Events of a streamed chat response. A well-formed stream is:
 * `start`, then any number of `text-delta` / `tool-call-start` / `tool-call-delta`, then exactly
 * one `finish`. Tool-call events carry the tool call's zero-based `index` among this response's
 * tool calls. Text and tool calls do not interleave within one tool call's deltas.
 */
export type StreamEvent =
  | { type: 'start'; id: string; model: string; created: number }
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call-start'; index: number; id: string; name: string }
  | { type: 'tool-call-delta'; index: number; argumentsDelta: string }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage | undefined };

export interface EmbeddingRequest {
  model: string;
  input: string[];
  dimensions?: number;
  user?: string;
}

export interface EmbeddingResponse {
  model: string;
  embeddings: number[][];
  usage: Usage;
}

/** The HTTP wire formats Junction speaks: with callers (ingress) and with upstreams (providers). */
export type WireFormat = 'openai' | 'anthropic' | 'gemini';

/** Which wire format a caller speaks. */
export type IngressFormat = Extract<WireFormat, 'openai' | 'anthropic'>;

/** How a request arrived: in a wire format over HTTP, as an in-process call through the library, or as one line of a batch (the Batch API). */
export type Ingress = IngressFormat | 'library' | 'mcp' | 'batch';

/** What a request asks for: the API endpoint kind, as the ledger and metrics record it. */
export type EndpointKind = 'chat' | 'embeddings' | 'speech';
