import { JunctionError } from '../../../errors';
import type { ContentPart, Message, TextPart } from '../../../canonical/types';
import type { OpenAIChatMessage } from './openai-chat-schema';
import { parseImageUrl } from './parse-image-url';

type TextContent = string | ReadonlyArray<{ type: 'text'; text: string }>;

/**
 * Validated OpenAI messages → canonical messages. `developer` is OpenAI's newer name for the
 * system role and means the same to every other provider.
 */
export function convertOpenAIMessages(messages: readonly OpenAIChatMessage[]): Message[] {
  return messages.map((message, index) => convertMessage(message, ['messages', index]));
}

function convertMessage(message: OpenAIChatMessage, path: readonly PropertyKey[]): Message {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: joinText(message.content) };
    case 'user':
      return { role: 'user', content: convertUserContent(message.content, [...path, 'content']) };
    case 'assistant': {
      const toolCalls = (message.tool_calls ?? []).map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      }));
      const content = convertAssistantContent(message.content);
      return toolCalls.length > 0 ? { role: 'assistant', content, toolCalls } : { role: 'assistant', content };
    }
    case 'tool':
      return { role: 'tool', toolCallId: message.tool_call_id, content: joinText(message.content) };
    case 'function':
      // The schema rejects this role; the case keeps the switch exhaustive.
      throw new JunctionError('internal_error', "'function' messages should have been rejected by the schema");
  }
}

/** Text parts joined by newlines: one system prompt or tool result, however the caller split it. */
function joinText(content: TextContent): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n');
}

function convertUserContent(
  content: Extract<OpenAIChatMessage, { role: 'user' }>['content'],
  path: readonly PropertyKey[],
): ContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part, index): ContentPart =>
    part.type === 'text' ? { type: 'text', text: part.text } : parseImageUrl(part.image_url.url, [...path, index, 'image_url', 'url']),
  );
}

function convertAssistantContent(content: Extract<OpenAIChatMessage, { role: 'assistant' }>['content']): TextPart[] {
  if (content == null || content === '') return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  // A refusal is what the assistant said; replaying it as text keeps the conversation intact.
  return content.map((part) => ({ type: 'text', text: part.type === 'text' ? part.text : part.refusal }));
}
