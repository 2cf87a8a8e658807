import type { ChatResponse, ToolCall } from '../../../canonical/types';
import { toAnthropicMessageId } from './anthropic-message-id';
import { convertAnthropicUsage, type AnthropicUsage } from './convert-anthropic-usage';
import { mapAnthropicStopReason, type AnthropicStopReason } from './map-anthropic-stop-reason';

export type AnthropicResponseBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** The message object returned by `POST /v1/messages` without streaming. */
export interface AnthropicMessageResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: AnthropicStopReason;
  stop_sequence: null;
  usage: AnthropicUsage;
}

/**
 * Canonical response → Anthropic message. `model` is the public route name the caller asked
 * for. `stop_sequence` is null because the canonical response does not say which sequence hit.
 */
export function encodeAnthropicMessage(response: ChatResponse, publicModel: string): AnthropicMessageResponse {
  const hasToolCalls = response.toolCalls.length > 0;
  const content: AnthropicResponseBlock[] = [];
  if (response.text !== '' || !hasToolCalls) content.push({ type: 'text', text: response.text });
  for (const call of response.toolCalls) content.push(encodeToolUse(call));
  return {
    id: toAnthropicMessageId(response.id),
    type: 'message',
    role: 'assistant',
    model: publicModel,
    content,
    stop_reason: mapAnthropicStopReason(response.finishReason, hasToolCalls),
    stop_sequence: null,
    usage: convertAnthropicUsage(response.usage),
  };
}

function encodeToolUse(call: ToolCall): AnthropicResponseBlock {
  return { type: 'tool_use', id: call.id, name: call.name, input: parseToolInput(call.arguments) };
}

/**
 * Tool arguments as Anthropic's `input` object. Anthropic requires an object, and clients echo
 * this block back in the next request, so arguments that are not a JSON object (a model's
 * malformed output, or an empty string for a no-argument call) become `{}` rather than an extra
 * field that the real Anthropic API would reject on the way back.
 */
export function parseToolInput(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
