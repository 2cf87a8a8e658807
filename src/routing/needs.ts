import { countTokens } from 'gpt-tokenizer';
import type { Capability } from './catalog';
import type { ChatRequest, EmbeddingRequest } from '../canonical/types';

/** What a request requires of a deployment; derived once per request, before planning. */
export interface RequestNeeds {
  capabilities: Capability[];
  /** Rough prompt size, used to skip deployments whose context window is too small. */
  estimatedInputTokens: number;
  /** Output tokens the caller reserved, if it said. */
  maxOutputTokens?: number;
}

// A cheap estimate (about four characters a token for English text and JSON) keeps tokenising
// off the hot path; it only has to tell a 4k prompt from a 200k one.
const CHARS_PER_TOKEN = 4;

/** The cheap token estimate for a length of text. */
export function roughTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/**
 * What a chat request needs. The token estimate is the cheap one unless it comes within a
 * factor of two of `smallestWindow` (the smallest context window the request might go to):
 * then the prompt is counted exactly, so context-window decisions are made on real numbers.
 */
export function chatNeeds(request: ChatRequest, smallestWindow = Number.POSITIVE_INFINITY): RequestNeeds {
  const needs = roughChatNeeds(request);
  if (needs.estimatedInputTokens * 2 + (needs.maxOutputTokens ?? 0) < smallestWindow) return needs;
  return { ...needs, estimatedInputTokens: countTokens(promptText(request), { disallowedSpecial: new Set() }) };
}

/** All the text a model reads from the request, for exact counting. */
function promptText(request: ChatRequest): string {
  const pieces: string[] = [];
  for (const message of request.messages) {
    if (message.role === 'system' || message.role === 'tool') pieces.push(message.content);
    else {
      for (const part of message.content) if (part.type === 'text') pieces.push(part.text);
      if (message.role === 'assistant') for (const call of message.toolCalls ?? []) pieces.push(call.name, call.arguments);
    }
  }
  for (const tool of request.tools ?? []) pieces.push(tool.name, tool.description ?? '', JSON.stringify(tool.parameters));
  return pieces.join('\n');
}

function roughChatNeeds(request: ChatRequest): RequestNeeds {
  const capabilities: Capability[] = ['chat'];
  let chars = 0;
  let vision = false;
  for (const message of request.messages) {
    if (message.role === 'system' || message.role === 'tool') {
      chars += message.content.length;
      continue;
    }
    for (const part of message.content) {
      if (part.type === 'text') chars += part.text.length;
      else vision = true;
    }
    if (message.role === 'assistant') for (const call of message.toolCalls ?? []) chars += call.name.length + call.arguments.length;
  }
  if (request.tools?.length) {
    capabilities.push('tools');
    for (const tool of request.tools) chars += tool.name.length + (tool.description?.length ?? 0) + JSON.stringify(tool.parameters).length;
  }
  if (vision) capabilities.push('vision');
  if (request.responseFormat && request.responseFormat.type !== 'text') capabilities.push('json');
  if (request.stream) capabilities.push('streaming');
  return { capabilities, estimatedInputTokens: roughTokens(chars), maxOutputTokens: request.maxTokens };
}

export function embeddingNeeds(request: EmbeddingRequest): RequestNeeds {
  const chars = request.input.reduce((sum, text) => sum + text.length, 0);
  return { capabilities: ['embeddings'], estimatedInputTokens: roughTokens(chars) };
}
