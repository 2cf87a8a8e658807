import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../canonical/types';
import { convertToOpenAIMessages, type OpenAIMessage } from './convert-to-openai-messages';

/**
 * Which field carries the output-token limit. OpenAI itself wants `max_completion_tokens`
 * (`max_tokens` is deprecated there and refused by reasoning models); most compatible servers
 * only know `max_tokens`.
 */
export type MaxTokensField = 'max_completion_tokens' | 'max_tokens';

export type OpenAIToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type OpenAIResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean } };

/** The JSON body of `POST /chat/completions` as Junction sends it. Absent fields are omitted. */
export interface OpenAIChatBody {
  model: string;
  messages: OpenAIMessage[];
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters: Record<string, unknown> } }>;
  tool_choice?: OpenAIToolChoice;
  parallel_tool_calls?: boolean;
  max_completion_tokens?: number;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  seed?: number;
  response_format?: OpenAIResponseFormat;
  user?: string;
  stream?: true;
  stream_options?: { include_usage: true };
}

/** Canonical request → OpenAI chat body for the upstream model id `model`. */
export function convertToOpenAIChatBody(request: ChatRequest, model: string, maxTokensField: MaxTokensField): OpenAIChatBody {
  const body: OpenAIChatBody = { model, messages: convertToOpenAIMessages(request.messages) };
  // OpenAI refuses tool_choice and parallel_tool_calls when no tools are offered.
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map(convertTool);
    if (request.toolChoice !== undefined) body.tool_choice = convertToolChoice(request.toolChoice);
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }
  if (request.maxTokens !== undefined) body[maxTokensField] = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stop && request.stop.length > 0) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.responseFormat !== undefined) body.response_format = convertResponseFormat(request.responseFormat);
  if (request.user !== undefined) body.user = request.user;
  if (request.stream) {
    body.stream = true;
    // Without it a stream carries no token counts, and Junction prices every request exactly.
    body.stream_options = { include_usage: true };
  }
  return body;
}

function convertTool(tool: ToolDefinition): NonNullable<OpenAIChatBody['tools']>[number] {
  const description = tool.description === undefined ? {} : { description: tool.description };
  return { type: 'function', function: { name: tool.name, ...description, parameters: tool.parameters } };
}

function convertToolChoice(choice: ToolChoice): OpenAIToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function convertResponseFormat(format: ResponseFormat): OpenAIResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const strict = format.strict === undefined ? {} : { strict: format.strict };
  return { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, ...strict } };
}
