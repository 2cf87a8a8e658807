import type { ContentPart, Message } from '../../canonical/types';
import { bareToolCallId } from '../tool-call-id';

/** A content part of an OpenAI user message. */
export type OpenAIUserContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } };

/** One tool call in an assistant message, as OpenAI expects it back in the history. */
export interface OpenAIToolCallParam {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One entry of the chat `messages` array Junction sends. */
export type OpenAIMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | OpenAIUserContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAIToolCallParam[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** Canonical messages → OpenAI chat `messages`, in order. */
export function convertToOpenAIMessages(messages: Message[]): OpenAIMessage[] {
  return messages.map(convertMessage);
}

function convertMessage(message: Message): OpenAIMessage {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return { role: 'user', content: convertUserContent(message.content) };
    case 'assistant': {
      const text = message.content.map((part) => part.text).join('');
      const toolCalls = message.toolCalls ?? [];
      if (toolCalls.length === 0) return { role: 'assistant', content: text };
      return {
        role: 'assistant',
        // OpenAI wants null, not "", beside tool calls when the model said nothing.
        content: text === '' ? null : text,
        tool_calls: toolCalls.map((call) => ({
          id: bareToolCallId(call.id),
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    }
    case 'tool':
      // The wire has no error flag for tool results; the content itself says what went wrong.
      return { role: 'tool', tool_call_id: bareToolCallId(message.toolCallId), content: message.content };
  }
}

function convertUserContent(parts: ContentPart[]): string | OpenAIUserContentPart[] {
  // The plain-string form is what every compatible server understands, so prefer it.
  if (parts.length === 0) return '';
  if (parts.length === 1 && parts[0].type === 'text') return parts[0].text;
  return parts.map(convertUserPart);
}

function convertUserPart(part: ContentPart): OpenAIUserContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  const { source } = part;
  const url = source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
  return { type: 'image_url', image_url: { url } };
}
