/**
 * Zod schemas of the OpenAI Chat Completions and Embeddings wire shapes Junction *receives*.
 * They are deliberately lenient where OpenAI-compatible servers differ (nullable details,
 * optional `type` on tool calls, numeric or string error codes) and strict where Junction
 * depends on a field (ids, token counts, the message of the first choice).
 */
import { z } from 'zod';
import { JunctionError } from '../../errors';

const usageSchema = z.object({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number().optional(),
  // Compatible servers send `null` where OpenAI sends an object or nothing.
  prompt_tokens_details: z.object({ cached_tokens: z.number().nullish() }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
});

/** Token usage as OpenAI reports it. */
export type OpenAIUsage = z.infer<typeof usageSchema>;

const toolCallSchema = z.object({
  id: z.string(),
  type: z.string().optional(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

/** Body of a non-streamed `POST /chat/completions`. */
export const openaiChatResponseSchema = z.object({
  id: z.string(),
  created: z.number(),
  model: z.string(),
  choices: z
    .array(
      z.object({
        index: z.number().optional(),
        message: z.object({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z.array(toolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: usageSchema,
});

export type OpenAIChatResponse = z.infer<typeof openaiChatResponseSchema>;

const toolCallDeltaSchema = z.object({
  // Some compatible servers omit `index` when a delta holds one whole tool call.
  index: z.number().optional(),
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

export type OpenAIToolCallDelta = z.infer<typeof toolCallDeltaSchema>;

/** One `data:` payload of a streamed `POST /chat/completions`. */
export const openaiChatChunkSchema = z.object({
  id: z.string(),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().optional(),
      delta: z
        .object({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z.array(toolCallDeltaSchema).nullish(),
        })
        // The last chunk of some servers carries only a finish_reason.
        .nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: usageSchema.nullish(),
});

export type OpenAIChatChunk = z.infer<typeof openaiChatChunkSchema>;

/** Body of `POST /embeddings` with `encoding_format: 'float'`. */
export const openaiEmbeddingResponseSchema = z.object({
  model: z.string(),
  data: z.array(z.object({ index: z.number(), embedding: z.array(z.number()) })),
  usage: z.object({ prompt_tokens: z.number(), total_tokens: z.number().optional() }),
});

export type OpenAIEmbeddingResponse = z.infer<typeof openaiEmbeddingResponseSchema>;

const errorDetailSchema = z.object({
  message: z.string().nullish(),
  type: z.string().nullish(),
  param: z.string().nullish(),
  // OpenAI sends a string code; vLLM, llama.cpp and OpenRouter send the HTTP status as a number.
  code: z.union([z.string(), z.number()]).nullish(),
});

/** The error detail Junction reads, whichever envelope it came in. */
export type OpenAIErrorDetail = z.infer<typeof errorDetailSchema>;

/**
 * Error bodies: OpenAI's `{ error: {...} }`, older vLLM's flat `{ object: 'error', message, ... }`,
 * and servers that put a bare string in `error`.
 */
export const openaiErrorBodySchema = z.union([
  z.object({ error: errorDetailSchema }),
  z.object({ error: z.string() }),
  z.object({ object: z.literal('error'), message: z.string() }).and(errorDetailSchema),
]);

/** The error detail of an error body, or undefined when the body is not one. */
export function readOpenAIErrorDetail(body: unknown): OpenAIErrorDetail | undefined {
  const parsed = openaiErrorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const value = parsed.data;
  if ('object' in value) return value;
  return typeof value.error === 'string' ? { message: value.error } : value.error;
}

/**
 * Validate a 2xx body against `schema`; a mismatch is `upstream_bad_response` naming the first
 * few fields that were wrong.
 */
export function parseWire<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 3).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  return badResponse(`${what} has the wrong shape (${problems.join('; ')})`, result.error);
}

function badResponse(message: string, cause: unknown): never {
  throw new JunctionError('upstream_bad_response', message, { cause });
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return 'body';
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`),
    '',
  );
}
