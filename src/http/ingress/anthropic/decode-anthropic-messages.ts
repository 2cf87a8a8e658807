import type { ChatRequest, Message, ToolChoice, ToolDefinition } from '../../../canonical/types';
import { echoText } from '../../../wire/caller-text';
import { invalidRequest } from '../shared/invalid-request';
import { parseRequestBody } from '../shared/parse-request-body';
import { acceptsAnthropicMessagesRequest } from './anthropic-messages-check';
import { anthropicMessagesRequestSchema, type AnthropicMessagesRequestBody } from './anthropic-messages-schema';
import { convertAnthropicMessages, joinTextBlocks } from './convert-anthropic-messages';

/**
 * An Anthropic Messages request body → canonical request.
 * Throws `invalid_request` with `param` naming the offending field.
 */
export function decodeAnthropicMessages(body: unknown): ChatRequest {
  // The fast check agrees with the schema; zod runs only for bodies it refuses, to say why.
  const parsed = acceptsAnthropicMessagesRequest(body) ? body : parseRequestBody(anthropicMessagesRequestSchema, body);
  const tools = parsed.tools?.map(
    (tool): ToolDefinition => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.input_schema,
    }),
  );
  const toolChoice = convertToolChoice(parsed.tool_choice, tools);
  // Read by type, not by presence: zod strips the flag from a 'none' choice, the caller's body may still carry it.
  const disableParallel = parsed.tool_choice !== undefined && parsed.tool_choice.type !== 'none'
    ? parsed.tool_choice.disable_parallel_tool_use
    : undefined;
  const format = parsed.output_config?.format;
  const user = parsed.metadata?.user_id;

  return {
    model: parsed.model,
    messages: [...systemMessages(parsed.system), ...convertAnthropicMessages(parsed.messages)],
    stream: parsed.stream === true,
    maxTokens: parsed.max_tokens,
    ...(tools !== undefined && tools.length > 0 ? { tools } : {}),
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(disableParallel === true ? { parallelToolCalls: false } : {}),
    ...(parsed.temperature === undefined ? {} : { temperature: parsed.temperature }),
    ...(parsed.top_p === undefined ? {} : { topP: parsed.top_p }),
    ...(parsed.stop_sequences === undefined || parsed.stop_sequences.length === 0 ? {} : { stop: parsed.stop_sequences }),
    // Anthropic's structured output has no schema name; providers that need one get a neutral one.
    ...(format == null ? {} : { responseFormat: { type: 'json_schema', name: 'response', schema: format.schema } }),
    ...(user == null ? {} : { user }),
  };
}

/** Anthropic's top-level `system` becomes the first message; an empty one is no message. */
function systemMessages(system: AnthropicMessagesRequestBody['system']): Message[] {
  if (system === undefined) return [];
  const content = joinTextBlocks(system);
  return content === '' ? [] : [{ role: 'system', content }];
}

function convertToolChoice(
  choice: AnthropicMessagesRequestBody['tool_choice'],
  tools: ToolDefinition[] | undefined,
): ToolChoice | undefined {
  switch (choice?.type) {
    case undefined:
      return undefined;
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      // Anthropic rejects this too; catching it here saves a failed upstream attempt per deployment.
      if (!(tools ?? []).some((tool) => tool.name === choice.name)) {
        throw invalidRequest(['tool_choice', 'name'], `no tool named '${echoText(choice.name)}' in tools`);
      }
      return { name: choice.name };
  }
}
