/**
 * Wire shapes of the Anthropic Messages API (`POST /v1/messages`, `anthropic-version: 2023-06-01`).
 * Requests are plain types because Junction builds them; responses, stream events and error
 * bodies are zod schemas because they come from outside and must be checked before use.
 * Only the fields Junction reads are declared; unknown fields are dropped, unknown content
 * block and event types are tolerated so that new API features do not break old gateways.
 */
import { z } from 'zod';

// ---------------------------------------------------------------- request

export type AnthropicTextBlock = { type: 'text'; text: string };

export type AnthropicImageBlock = {
  type: 'image';
  source: { type: 'url'; url: string } | { type: 'base64'; media_type: string; data: string };
};

export type AnthropicToolUseBlock = { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export type AnthropicToolResultBlock = { type: 'tool_result'; tool_use_id: string; content: string; is_error?: boolean };

export type AnthropicUserBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicToolResultBlock;
export type AnthropicAssistantBlock = AnthropicTextBlock | AnthropicToolUseBlock;

/** One turn of `messages`; Anthropic has no system or tool role, those live elsewhere. */
export type AnthropicMessage =
  | { role: 'user'; content: AnthropicUserBlock[] }
  | { role: 'assistant'; content: AnthropicAssistantBlock[] };

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  // The API accepts no parallel-use flag on `none`: no tool is called at all.
  | { type: 'none' };

/** The request body of `POST /messages`. */
export interface AnthropicMessagesRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string;
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  metadata?: { user_id: string };
  stream?: boolean;
}

// ---------------------------------------------------------------- response

/** Usage of a whole message; cache fields are absent or null when prompt caching is not in play. */
export const anthropicUsageSchema = z.object({
  input_tokens: z.number(),
  output_tokens: z.number(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

const textBlockSchema = z.object({ type: z.literal('text'), text: z.string() });
const toolUseBlockSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});
/** Thinking, server tools, citations' companions…: read past, never fail on them. */
const otherBlockSchema = z.object({
  type: z.string().refine((type) => type !== 'text' && type !== 'tool_use', 'known block types must have their full shape'),
});

export const anthropicResponseBlockSchema = z.union([textBlockSchema, toolUseBlockSchema, otherBlockSchema]);

/** The body of a non-streamed `POST /messages` answer. */
export const anthropicMessageSchema = z.object({
  id: z.string(),
  type: z.literal('message'),
  role: z.literal('assistant'),
  model: z.string(),
  content: z.array(anthropicResponseBlockSchema),
  stop_reason: z.string().nullable(),
  usage: anthropicUsageSchema,
});
export type AnthropicMessageResponse = z.infer<typeof anthropicMessageSchema>;

// ---------------------------------------------------------------- error

/** `{ type: 'error', error: { type, message } }`: the body of every error answer and in-stream `error` event. */
export const anthropicErrorSchema = z.object({
  type: z.literal('error'),
  error: z.object({ type: z.string(), message: z.string() }),
});
export type AnthropicErrorBody = z.infer<typeof anthropicErrorSchema>;

// ---------------------------------------------------------------- stream events

/** `message_delta` usage is cumulative; input and cache figures appear only on some models and versions. */
export const anthropicDeltaUsageSchema = z.object({
  output_tokens: z.number(),
  input_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});
export type AnthropicDeltaUsage = z.infer<typeof anthropicDeltaUsageSchema>;

const messageStartSchema = z.object({
  type: z.literal('message_start'),
  message: z.object({ id: z.string(), model: z.string(), usage: anthropicUsageSchema }),
});

const contentBlockStartSchema = z.object({
  type: z.literal('content_block_start'),
  index: z.number(),
  content_block: z.union([
    z.object({ type: z.literal('text'), text: z.string() }),
    z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string() }),
    otherBlockSchema,
  ]),
});

const contentBlockDeltaSchema = z.object({
  type: z.literal('content_block_delta'),
  index: z.number(),
  delta: z.union([
    z.object({ type: z.literal('text_delta'), text: z.string() }),
    z.object({ type: z.literal('input_json_delta'), partial_json: z.string() }),
    // thinking_delta, signature_delta, citations_delta and whatever comes next.
    z.object({
      type: z.string().refine((type) => type !== 'text_delta' && type !== 'input_json_delta', 'known delta types must have their full shape'),
    }),
  ]),
});

const contentBlockStopSchema = z.object({ type: z.literal('content_block_stop'), index: z.number() });

const messageDeltaSchema = z.object({
  type: z.literal('message_delta'),
  delta: z.object({ stop_reason: z.string().nullish() }),
  usage: anthropicDeltaUsageSchema,
});

const messageStopSchema = z.object({ type: z.literal('message_stop') });
const pingSchema = z.object({ type: z.literal('ping') });

/** Every stream event Junction understands; any other `type` is skipped, as the API's versioning policy asks. */
export const anthropicStreamEventSchema = z.discriminatedUnion('type', [
  messageStartSchema,
  contentBlockStartSchema,
  contentBlockDeltaSchema,
  contentBlockStopSchema,
  messageDeltaSchema,
  messageStopSchema,
  pingSchema,
  anthropicErrorSchema,
]);
export type AnthropicStreamEvent = z.infer<typeof anthropicStreamEventSchema>;

/** The `type` values `anthropicStreamEventSchema` covers. */
export const ANTHROPIC_STREAM_EVENT_TYPES: ReadonlySet<string> = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'ping',
  'error',
]);
