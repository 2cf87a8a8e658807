/**
 * The OpenAI Chat Completions request body (`POST /v1/chat/completions`) as the official clients
 * send it. Unknown fields are stripped rather than rejected, so newer clients keep working;
 * known fields are type-checked strictly. Optional fields accept `null` as "absent" because the
 * API documents them as nullable and SDKs and frameworks do send explicit nulls.
 */
import { z } from 'zod';
import { acceptedValues, expecting } from '../shared/parse-request-body';

const jsonSchemaObject = z.record(z.string(), z.unknown());
const positiveInt = z.int().min(1);

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({
    url: z.string().min(1),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});

/** Content of system, developer and tool messages: text only. */
const textContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart]))], {
  error: expecting('a string or an array of text parts'),
});

// input_audio and file parts fall through to the discriminator message, which names them.
const userContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart]))], {
  error: expecting('a string or an array of content parts'),
});

const assistantContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart]))], {
  error: expecting('a string, null or an array of text parts'),
});

const toolCall = z.discriminatedUnion('type', [
  z.object({
    id: z.string().min(1),
    type: z.literal('function'),
    function: z.object({ name: z.string().min(1), arguments: z.string() }),
  }),
]);

const systemMessage = z.object({ role: z.literal('system'), content: textContent, name: z.string().optional() });
const developerMessage = z.object({ role: z.literal('developer'), content: textContent, name: z.string().optional() });
const userMessage = z.object({ role: z.literal('user'), content: userContent, name: z.string().optional() });
const assistantMessage = z
  .object({
    role: z.literal('assistant'),
    content: assistantContent.nullish(),
    tool_calls: z.array(toolCall).nullish(),
    refusal: z.string().nullish(),
    name: z.string().optional(),
  })
  .refine((message) => message.content != null || (message.tool_calls?.length ?? 0) > 0, {
    message: 'required unless tool_calls is present',
    path: ['content'],
  });
const toolMessage = z.object({ role: z.literal('tool'), content: textContent, tool_call_id: z.string().min(1) });
// Exists only to say why: the deprecated role still appears in old code.
const functionMessage = z.object({ role: z.literal('function') }).refine(() => false, {
  message: "the legacy 'function' role is not supported; send tool results as 'tool' messages",
  path: ['role'],
});

const message = z.discriminatedUnion(
  'role',
  [systemMessage, developerMessage, userMessage, assistantMessage, toolMessage, functionMessage],
  { error: acceptedValues('role', ['system', 'developer', 'user', 'assistant', 'tool']) },
);

// Custom (free-form grammar) tools fall through to the discriminator message.
const tool = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('function'),
    function: z.object({
      name: z.string().min(1),
      description: z.string().optional(),
      parameters: jsonSchemaObject.optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const toolChoice = z.union(
  [
    z.enum(['none', 'auto', 'required']),
    z.discriminatedUnion('type', [
      z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
    ]),
  ],
  { error: expecting("'none', 'auto', 'required' or {\"type\": \"function\", \"function\": {\"name\": ...}}") },
);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().min(1),
      description: z.string().optional(),
      schema: jsonSchemaObject.optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const legacyFunctions = z.never({ error: "legacy 'functions' are not supported; use 'tools'" });
const legacyFunctionCall = z.never({ error: "legacy 'function_call' is not supported; use 'tool_choice'" });

export const openAIChatRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string())], { error: expecting('a string or an array of strings') }).nullish(),
  seed: z.int().nullish(),
  response_format: responseFormat.nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish(), include_obfuscation: z.boolean().nullish() }).nullish(),
  user: z.string().nullish(),
  n: z.int().refine((n) => n === 1, { message: 'only n = 1 is supported' }).nullish(),
  functions: legacyFunctions.nullish(),
  function_call: legacyFunctionCall.nullish(),
  // Accepted and ignored: Junction cannot honour them across providers, and failing would
  // break clients that always send them. Still type-checked so typos surface.
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.int().min(0).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  store: z.boolean().nullish(),
  service_tier: z.string().nullish(),
  reasoning_effort: z.string().nullish(),
  verbosity: z.string().nullish(),
  modalities: z.array(z.string()).nullish(),
  prediction: z.object({ type: z.string() }).nullish(),
  prompt_cache_key: z.string().nullish(),
  safety_identifier: z.string().nullish(),
});

/** A Chat Completions body after validation. */
export type OpenAIChatRequestBody = z.output<typeof openAIChatRequestSchema>;
/** One validated message of {@link OpenAIChatRequestBody}. */
export type OpenAIChatMessage = OpenAIChatRequestBody['messages'][number];
