/**
 * The Anthropic Messages request body (`POST /v1/messages`) as the official clients send it.
 * Unknown fields are stripped rather than rejected so newer clients keep working; known fields
 * are type-checked strictly, and features Junction cannot carry to other providers (server
 * tools, documents, file sources) are rejected with a message that says so.
 */
import type { core } from 'zod';
import { z } from 'zod';
import { echoText } from '../../../wire/caller-text';
import { acceptedValues, expecting } from '../shared/parse-request-body';

const jsonSchemaObject = z.record(z.string(), z.unknown());

const textBlock = z.object({ type: z.literal('text'), text: z.string() });

// A 'file' source refers to the Files API, which only Anthropic has; it falls through to the
// discriminator message.
const imageSource = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('base64'),
    media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
    data: z.string().min(1),
  }),
  z.object({ type: z.literal('url'), url: z.string().min(1) }),
]);
const imageBlock = z.object({ type: z.literal('image'), source: imageSource });

const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: jsonSchemaObject,
});

const textBlocks = z.array(z.discriminatedUnion('type', [textBlock]));

const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), textBlocks], { error: expecting('a string or an array of text blocks') }).optional(),
  is_error: z.boolean().optional(),
});

// Earlier turns' thinking is only meaningful to the model that wrote it; accepted and dropped.
const thinkingBlock = z.object({ type: z.literal('thinking') });
const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking') });

const USER_BLOCKS = ['text', 'image', 'tool_result'] as const;
const ASSISTANT_BLOCKS = ['text', 'tool_use', 'thinking', 'redacted_thinking'] as const;

/** Names the role rule when a block is valid elsewhere, rather than calling it unsupported. */
function blockTypeError(role: string, accepted: readonly string[], elsewhere: readonly string[]) {
  const unsupported = acceptedValues('type', accepted);
  return function describeBlockType(issue: core.$ZodRawIssue): string | undefined {
    const input = issue.input as Record<string, unknown> | undefined;
    if (issue.code === 'invalid_union' && typeof input?.type === 'string' && elsewhere.includes(input.type)) {
      return `'${input.type}' blocks are not allowed in ${role} messages`;
    }
    return unsupported(issue);
  };
}

const userBlock = z.discriminatedUnion('type', [textBlock, imageBlock, toolResultBlock], {
  error: blockTypeError('user', USER_BLOCKS, ASSISTANT_BLOCKS),
});
const assistantBlock = z.discriminatedUnion('type', [textBlock, toolUseBlock, thinkingBlock, redactedThinkingBlock], {
  error: blockTypeError('assistant', ASSISTANT_BLOCKS, USER_BLOCKS),
});

const message = z.discriminatedUnion(
  'role',
  [
    z.object({
      role: z.literal('user'),
      content: z.union([z.string(), z.array(userBlock)], { error: expecting('a string or an array of content blocks') }),
    }),
    z.object({
      role: z.literal('assistant'),
      content: z.union([z.string(), z.array(assistantBlock)], { error: expecting('a string or an array of content blocks') }),
    }),
    // Newer clients may put system turns inside `messages`.
    z.object({
      role: z.literal('system'),
      content: z.union([z.string(), textBlocks], { error: expecting('a string or an array of text blocks') }),
    }),
  ],
  { error: acceptedValues('role', ['user', 'assistant', 'system']) },
);

const tool = z.object({
  // Checked first: a server tool (web search, code execution, ...) has no input_schema, and
  // "not supported" is the useful answer, not "input_schema: required".
  type: z
    .string()
    .refine((type) => type === 'custom', {
      error: (issue) => `server tool '${echoText(String(issue.input))}' is not supported; only custom tools (name, description, input_schema)`,
    })
    .optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: jsonSchemaObject,
});

const parallelOption = { disable_parallel_tool_use: z.boolean().optional() };
const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), ...parallelOption }),
  z.object({ type: z.literal('any'), ...parallelOption }),
  z.object({ type: z.literal('tool'), name: z.string().min(1), ...parallelOption }),
  z.object({ type: z.literal('none') }),
]);

export const anthropicMessagesRequestSchema = z.object({
  model: z.string().min(1),
  // Required, as Anthropic requires it: the caller states the output budget.
  max_tokens: z.int().min(1),
  messages: z.array(message).min(1),
  system: z.union([z.string(), textBlocks], { error: expecting('a string or an array of text blocks') }).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  // Accepted and ignored: most providers have no top-k.
  top_k: z.int().min(0).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  metadata: z.object({ user_id: z.string().nullish() }).optional(),
  output_config: z
    .object({
      effort: z.string().nullish(),
      format: z.object({ type: z.literal('json_schema'), schema: jsonSchemaObject }).nullish(),
    })
    .optional(),
  // Accepted and ignored, type-checked so typos surface.
  thinking: z.object({ type: z.string() }).optional(),
  service_tier: z.string().optional(),
});

/** A Messages body after validation. */
export type AnthropicMessagesRequestBody = z.output<typeof anthropicMessagesRequestSchema>;
/** One validated message of {@link AnthropicMessagesRequestBody}. */
export type AnthropicMessage = AnthropicMessagesRequestBody['messages'][number];
