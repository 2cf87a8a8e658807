/**
 * The response cache's keys. Two requests share a key when they must get the same answer: the
 * same route and namespace, the same conversation and the same parameters that shape the
 * answer. What cannot change the answer is left out: `stream` (a cached answer is replayed as a
 * stream to a streaming caller), `user`, the caller's wire format (the canonical request is the
 * same whether it came as OpenAI or Anthropic), the order of keys in a JSON Schema, text's
 * leading and trailing whitespace, and the ids a client made up for its tool calls.
 *
 * The semantic cache needs the same key split in two: everything but the last user message (its
 * `partition`: only a question asked in the same conversation with the same parameters may be
 * served another's answer) and that message's text, which is embedded.
 */
import { createHash } from 'node:crypto';
import type { ChatRequest, Message } from '../canonical/types';

/** The exact key of a request in a namespace (a key's or team's id, or '' when shared). */
export function exactKey(route: string, namespace: string, request: ChatRequest): string {
  return digest(`exact\n${route}\n${namespace}\n${parametersText(request)}\n${conversationText(request.messages)}`);
}

/** The semantic cache's view: its partition, and the question to embed (undefined when the last message is not a plain-text user message). */
export function semanticQuery(route: string, namespace: string, request: ChatRequest): { partition: string; question: string } | undefined {
  const last = request.messages.at(-1);
  if (last?.role !== 'user' || last.content.some((part) => part.type !== 'text')) return undefined;
  const question = last.content.map((part) => (part.type === 'text' ? part.text.trim() : '')).join('\n');
  if (question === '') return undefined;
  const before = conversationText(request.messages.slice(0, -1));
  return { partition: digest(`semantic\n${route}\n${namespace}\n${parametersText(request)}\n${before}`), question };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** The parameters that shape the answer, in a fixed order. */
function parametersText(request: ChatRequest): string {
  return stableJson([
    request.tools?.map((tool) => [tool.name, tool.description ?? null, tool.parameters]) ?? null,
    request.toolChoice ?? null,
    request.parallelToolCalls ?? null,
    request.maxTokens ?? null,
    request.temperature ?? null,
    request.topP ?? null,
    request.stop ?? null,
    request.seed ?? null,
    request.responseFormat ?? null,
  ]);
}

/** The conversation with trimmed text and tool-call ids replaced by their order of appearance. */
function conversationText(messages: Message[]): string {
  const callIds = new Map<string, number>();
  const callId = (id: string) => {
    let ordinal = callIds.get(id);
    if (ordinal === undefined) callIds.set(id, (ordinal = callIds.size));
    return ordinal;
  };
  return stableJson(
    messages.map((message) => {
      switch (message.role) {
        case 'system':
          return ['s', message.content.trim()];
        case 'user':
          return ['u', message.content.map((part) => (part.type === 'text' ? part.text.trim() : part.source))];
        case 'assistant':
          return ['a', message.content.map((part) => part.text.trim()), message.toolCalls?.map((call) => [callId(call.id), call.name, call.arguments]) ?? null];
        case 'tool':
          return ['t', callId(message.toolCallId), message.content.trim(), message.isError ?? false];
      }
    }),
  );
}

/** JSON with object keys sorted, so two equal JSON Schemas written in different orders agree. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`).join(',')}}`;
}
