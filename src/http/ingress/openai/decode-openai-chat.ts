import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../../canonical/types';
import { echoText } from '../../../wire/caller-text';
import { invalidRequest } from '../shared/invalid-request';
import { parseRequestBody } from '../shared/parse-request-body';
import { convertOpenAIMessages } from './convert-openai-messages';
import { acceptsOpenAIChatRequest } from './openai-chat-check';
import { openAIChatRequestSchema, type OpenAIChatRequestBody } from './openai-chat-schema';

/** A decoded Chat Completions request plus the one streaming option that is not canonical. */
export interface DecodedOpenAIChat {
  request: ChatRequest;
  /** `stream_options.include_usage`: send a final usage chunk. Always false when not streaming. */
  includeUsage: boolean;
}

// OpenAI's documented default for a function declared without `parameters`: no arguments.
const EMPTY_PARAMETERS = { type: 'object', properties: {} };

/**
 * An OpenAI Chat Completions request body → canonical request.
 * Throws `invalid_request` with `param` naming the offending field.
 */
export function decodeOpenAIChat(body: unknown): DecodedOpenAIChat {
  // The fast check agrees with the schema; zod runs only for bodies it refuses, to say why.
  const parsed = acceptsOpenAIChatRequest(body) ? body : parseRequestBody(openAIChatRequestSchema, body);
  const tools = parsed.tools?.map(
    (tool): ToolDefinition => ({
      name: tool.function.name,
      ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
      parameters: tool.function.parameters ?? EMPTY_PARAMETERS,
    }),
  );
  const toolChoice = convertToolChoice(parsed, tools);
  const maxTokens = parsed.max_completion_tokens ?? parsed.max_tokens;
  const stop = parsed.stop == null ? undefined : typeof parsed.stop === 'string' ? [parsed.stop] : parsed.stop;
  const stream = parsed.stream === true;

  const request: ChatRequest = {
    model: parsed.model,
    messages: convertOpenAIMessages(parsed.messages),
    stream,
    ...(tools !== undefined && tools.length > 0 ? { tools } : {}),
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(parsed.parallel_tool_calls == null ? {} : { parallelToolCalls: parsed.parallel_tool_calls }),
    ...(maxTokens == null ? {} : { maxTokens }),
    ...(parsed.temperature == null ? {} : { temperature: parsed.temperature }),
    ...(parsed.top_p == null ? {} : { topP: parsed.top_p }),
    ...(stop === undefined || stop.length === 0 ? {} : { stop }),
    ...(parsed.seed == null ? {} : { seed: parsed.seed }),
    ...(parsed.response_format == null ? {} : { responseFormat: convertResponseFormat(parsed.response_format) }),
    ...(parsed.user == null ? {} : { user: parsed.user }),
  };
  return { request, includeUsage: stream && parsed.stream_options?.include_usage === true };
}

function convertToolChoice(parsed: OpenAIChatRequestBody, tools: ToolDefinition[] | undefined): ToolChoice | undefined {
  const choice = parsed.tool_choice;
  if (choice == null) return undefined;
  if (typeof choice === 'string') return choice;
  const name = choice.function.name;
  // OpenAI rejects this too; catching it here saves a failed upstream attempt per deployment.
  if (!(tools ?? []).some((tool) => tool.name === name)) {
    throw invalidRequest(['tool_choice', 'function', 'name'], `no tool named '${echoText(name)}' in tools`);
  }
  return { name };
}

function convertResponseFormat(format: NonNullable<OpenAIChatRequestBody['response_format']>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, schema, strict } = format.json_schema;
  // The API allows omitting the schema; an empty schema admits any JSON value.
  return { type: 'json_schema', name, schema: schema ?? {}, ...(strict == null ? {} : { strict }) };
}
