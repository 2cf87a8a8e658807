import { JunctionError } from '../../errors';
import type { AssistantMessage, ContentPart, Message, ToolCall } from '../../canonical/types';
import { bareToolCallId } from '../tool-call-id';
import type { AnthropicAssistantBlock, AnthropicMessage, AnthropicUserBlock } from './anthropic-api';

/** A canonical conversation in Anthropic's terms: one top-level system text plus user/assistant turns. */
export interface AnthropicPrompt {
  system: string | undefined;
  messages: AnthropicMessage[];
}

/**
 * Canonical messages → Anthropic `system` + `messages`.
 *
 * - System messages may sit anywhere canonically; Anthropic has one top-level `system`, so they
 *   are joined with blank lines in order.
 * - Tool results become `tool_result` blocks of a user turn. Anthropic wants all results of one
 *   assistant turn in the single user turn that follows it, so consecutive turns of the same
 *   role (tool results, then the user's next words) are merged into one.
 * - Tool call arguments are JSON text canonically and an object on the wire; text that does not
 *   parse to an object is the caller's mistake and is reported as such, naming the field.
 */
export function convertToAnthropicMessages(messages: Message[]): AnthropicPrompt {
  const system: string[] = [];
  const turns: AnthropicMessage[] = [];

  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
        system.push(message.content);
        break;
      case 'user':
        appendUserBlocks(turns, message.content.map(convertUserPart));
        break;
      case 'tool':
        appendUserBlocks(turns, [
          {
            type: 'tool_result',
            tool_use_id: bareToolCallId(message.toolCallId),
            content: message.content,
            ...(message.isError === undefined ? {} : { is_error: message.isError }),
          },
        ]);
        break;
      case 'assistant':
        appendAssistantBlocks(turns, convertAssistantMessage(message, index));
        break;
    }
  });

  trimFinalAssistantText(turns);
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: turns };
}

/**
 * A final assistant turn is a prefill the model continues (Junction sends one when it resumes a
 * cut stream). Anthropic refuses a prefill ending in whitespace, so trailing whitespace goes.
 */
function trimFinalAssistantText(turns: AnthropicMessage[]): void {
  const last = turns.at(-1);
  if (last?.role !== 'assistant') return;
  const block = last.content.at(-1);
  if (block?.type !== 'text') return;
  const trimmed = block.text.trimEnd();
  if (trimmed !== '') {
    block.text = trimmed;
    return;
  }
  last.content.pop();
  if (last.content.length === 0) turns.pop();
}

function convertUserPart(part: ContentPart): AnthropicUserBlock {
  if (part.type === 'text') return { type: 'text', text: part.text };
  const { source } = part;
  return source.kind === 'url'
    ? { type: 'image', source: { type: 'url', url: source.url } }
    : { type: 'image', source: { type: 'base64', media_type: source.mediaType, data: source.data } };
}

function convertAssistantMessage(message: AssistantMessage, index: number): AnthropicAssistantBlock[] {
  // Anthropic rejects empty text blocks, and OpenAI-style callers often send `content: ""` beside tool calls.
  const text: AnthropicAssistantBlock[] = message.content
    .filter((part) => part.text.length > 0)
    .map((part) => ({ type: 'text', text: part.text }));
  const toolUses: AnthropicAssistantBlock[] = (message.toolCalls ?? []).map((call, callIndex) => ({
    type: 'tool_use',
    id: bareToolCallId(call.id),
    name: call.name,
    input: parseToolInput(call, `messages[${index}].toolCalls[${callIndex}].arguments`),
  }));
  return [...text, ...toolUses];
}

function parseToolInput(call: ToolCall, param: string): Record<string, unknown> {
  if (call.arguments.trim() === '') return {};
  let input: unknown;
  try {
    input = JSON.parse(call.arguments);
  } catch (error) {
    throw new JunctionError('invalid_request', `${param} of tool call ${call.id} (${call.name}) is not valid JSON`, { param, cause: error });
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new JunctionError('invalid_request', `${param} of tool call ${call.id} (${call.name}) must be a JSON object`, { param });
  }
  return input as Record<string, unknown>;
}

function appendUserBlocks(turns: AnthropicMessage[], blocks: AnthropicUserBlock[]): void {
  const last = turns.at(-1);
  if (last?.role === 'user') last.content.push(...blocks);
  else turns.push({ role: 'user', content: blocks });
}

function appendAssistantBlocks(turns: AnthropicMessage[], blocks: AnthropicAssistantBlock[]): void {
  const last = turns.at(-1);
  if (last?.role === 'assistant') last.content.push(...blocks);
  else turns.push({ role: 'assistant', content: blocks });
}
