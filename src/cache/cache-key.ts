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
import { createHash, hash, type Hash } from 'node:crypto';
import type { ChatRequest, Message } from '../canonical/types';

/** The exact key of a request in a namespace (a key's or team's id, or '' when shared). */
export function exactKey(route: string, namespace: string, request: ChatRequest): string {
  const hash = new KeyHash('exact', route, namespace);
  hashParameters(hash, request);
  hashConversation(hash, request.messages);
  return hash.digest();
}

/** The semantic cache's view: its partition, and the question to embed (undefined when the last message is not a plain-text user message). */
export function semanticQuery(route: string, namespace: string, request: ChatRequest): { partition: string; question: string } | undefined {
  const last = request.messages.at(-1);
  if (last?.role !== 'user' || last.content.some((part) => part.type !== 'text')) return undefined;
  const question = last.content.map((part) => (part.type === 'text' ? part.text.trim() : '')).join('\n');
  if (question === '') return undefined;
  const hash = new KeyHash('semantic', route, namespace);
  hashParameters(hash, request);
  hashConversation(hash, request.messages.slice(0, -1));
  return { partition: hash.digest(), question };
}

/**
 * SHA-256 over a sequence of fields, each written as its length and its text: unambiguous
 * without escaping. Short fields are gathered into one string (each update is a call into
 * native code, dearer than the copy); a long one is hashed where it lies, never copied.
 */
export class KeyHash {
  /** Made only for a long field: a short request is hashed in one call. */
  private hash: Hash | undefined;
  private pending = '';

  constructor(...fields: string[]) {
    for (const field of fields) this.text(field);
  }

  text(value: string): void {
    if (value.length < LONG_FIELD) {
      this.pending += `${value.length}:${value}`;
      return;
    }
    this.hash ??= createHash('sha256');
    this.hash.update(`${this.pending}${value.length}:`);
    this.pending = '';
    this.hash.update(value);
  }

  json(value: unknown): void {
    this.text(stableJson(value));
  }

  digest(): string {
    return this.hash === undefined ? hash('sha256', this.pending, 'base64url') : this.hash.update(this.pending).digest('base64url');
  }
}

/** Fields at least this long (UTF-16 units) are hashed on their own. */
const LONG_FIELD = 2_048;

/** The parameters that shape the answer, in a fixed order. */
function hashParameters(hash: KeyHash, request: ChatRequest): void {
  hash.json([
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
function hashConversation(hash: KeyHash, messages: Message[]): void {
  const callIds = new Map<string, number>();
  const callId = (id: string) => {
    let ordinal = callIds.get(id);
    if (ordinal === undefined) callIds.set(id, (ordinal = callIds.size));
    return String(ordinal);
  };
  hash.text(String(messages.length));
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        hash.text('s');
        hash.text(message.content.trim());
        break;
      case 'user':
        hash.text(`u${message.content.length}`);
        for (const part of message.content) {
          if (part.type === 'text') hash.text(part.text.trim());
          else hash.json(part.source);
        }
        break;
      case 'assistant':
        hash.text(`a${message.content.length}`);
        for (const part of message.content) hash.text(part.text.trim());
        hash.text(String(message.toolCalls?.length ?? 0));
        for (const call of message.toolCalls ?? []) {
          hash.text(callId(call.id));
          hash.text(call.name);
          hash.text(call.arguments);
        }
        break;
      case 'tool':
        hash.text(message.isError ? 'T' : 't');
        hash.text(callId(message.toolCallId));
        hash.text(message.content.trim());
        break;
    }
  }
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
