import type { ContentPart, Message, TextPart, ToolCall, ToolMessage } from '../../../canonical/types';
import type { AnthropicMessage } from './anthropic-messages-schema';

type TextBlocks = string | ReadonlyArray<{ type: 'text'; text: string }>;
type UserBlock = Exclude<Extract<AnthropicMessage, { role: 'user' }>['content'], string>[number];
type AssistantBlock = Exclude<Extract<AnthropicMessage, { role: 'assistant' }>['content'], string>[number];

/** Text blocks joined by newlines: one system prompt or tool result, however the caller split it. */
export function joinTextBlocks(content: TextBlocks): string {
  return typeof content === 'string' ? content : content.map((block) => block.text).join('\n');
}

/**
 * Validated Anthropic messages → canonical messages. Anthropic carries tool results inside user
 * turns; canonically each is its own tool message, placed before the rest of that user turn so
 * it directly follows the assistant turn that asked for it.
 */
export function convertAnthropicMessages(messages: readonly AnthropicMessage[]): Message[] {
  return messages.flatMap((message): Message[] => {
    switch (message.role) {
      case 'system':
        return [{ role: 'system', content: joinTextBlocks(message.content) }];
      case 'user':
        return convertUserTurn(message.content);
      case 'assistant':
        return [convertAssistantTurn(message.content)];
    }
  });
}

function convertUserTurn(content: string | readonly UserBlock[]): Message[] {
  if (typeof content === 'string') return [{ role: 'user', content: [{ type: 'text', text: content }] }];
  const toolMessages: ToolMessage[] = [];
  const parts: ContentPart[] = [];
  for (const block of content) {
    switch (block.type) {
      case 'tool_result':
        toolMessages.push({
          role: 'tool',
          toolCallId: block.tool_use_id,
          content: block.content === undefined ? '' : joinTextBlocks(block.content),
          ...(block.is_error === true ? { isError: true } : {}),
        });
        break;
      case 'text':
        parts.push({ type: 'text', text: block.text });
        break;
      case 'image':
        parts.push({
          type: 'image',
          source:
            block.source.type === 'url'
              ? { kind: 'url', url: block.source.url }
              : { kind: 'base64', mediaType: block.source.media_type, data: block.source.data },
        });
        break;
    }
  }
  return parts.length > 0 ? [...toolMessages, { role: 'user', content: parts }] : toolMessages;
}

function convertAssistantTurn(content: string | readonly AssistantBlock[]): Message {
  if (typeof content === 'string') {
    return { role: 'assistant', content: content === '' ? [] : [{ type: 'text', text: content }] };
  }
  const text: TextPart[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of content) {
    if (block.type === 'text') text.push({ type: 'text', text: block.text });
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
  }
  return toolCalls.length > 0 ? { role: 'assistant', content: text, toolCalls } : { role: 'assistant', content: text };
}
