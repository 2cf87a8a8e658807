import type { Capability } from './catalog';
import { countTokens, type TokenCountWork } from '../tokens/token-count';
import type { ChatRequest, EmbeddingRequest } from '../canonical/types';

/** What a request requires of a deployment; derived once per request, before planning. */
export interface RequestNeeds {
  capabilities: Capability[];
  /** Rough prompt size, used to skip deployments whose context window is too small. */
  estimatedInputTokens: number;
  /** Output tokens the caller reserved, if it said. */
  maxOutputTokens?: number;
  /**
   * A bound no tokeniser's count of the prompt can exceed: its UTF-8 bytes (every token of a
   * byte-level BPE is at least one byte) plus a chat template's few tokens a message. Budgets
   * reserve on it, so a prompt that tokenises badly cannot spend past a cap.
   */
  inputTokenBound?: number;
}

/** Tokens a chat template adds per message (role markers, separators), with room to spare. */
const TEMPLATE_TOKENS_PER_MESSAGE = 8;

// A cheap estimate (about four characters a token for English text and JSON) keeps tokenising
// off the hot path; it only has to tell a 4k prompt from a 200k one.
const CHARS_PER_TOKEN = 4;

/** The cheap token estimate for a length of ASCII text. */
export function roughTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/**
 * What a chat request needs. The token estimate is the cheap one unless it comes within a
 * factor of two of `smallestWindow` (the smallest context window the request might go to):
 * then the prompt is counted exactly, so context-window decisions are made on real numbers.
 *
 * The exact count takes time linear in the prompt and is limited (see `token-count.ts`): past
 * about a million characters of prompt, or 300 KB of runs without spaces, the rest is bounded
 * by its UTF-8 length instead. The estimate is then above the true count, never below: a
 * prompt that does not fit a window is never sent to it; one so large that the bound decides
 * may be kept from a 1-2 M-token window it would have fitted.
 */
export function chatNeeds(request: ChatRequest, smallestWindow = Number.POSITIVE_INFINITY, work?: TokenCountWork): RequestNeeds {
  const needs = roughChatNeeds(request);
  if (needs.estimatedInputTokens * 2 + (needs.maxOutputTokens ?? 0) < smallestWindow) return needs;
  return { ...needs, estimatedInputTokens: countTokens(promptText(request), { work }).tokens };
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
  const size = new TextSize();
  let vision = false;
  for (const message of request.messages) {
    if (message.role === 'system' || message.role === 'tool') {
      size.add(message.content);
      continue;
    }
    for (const part of message.content) {
      if (part.type === 'text') size.add(part.text);
      else vision = true;
    }
    if (message.role === 'assistant') for (const call of message.toolCalls ?? []) size.add(call.name).add(call.arguments);
  }
  if (request.tools?.length) {
    capabilities.push('tools');
    for (const tool of request.tools) size.add(tool.name).add(tool.description ?? '').add(JSON.stringify(tool.parameters));
  }
  if (vision) capabilities.push('vision');
  if (request.responseFormat && request.responseFormat.type !== 'text') capabilities.push('json');
  if (request.stream) capabilities.push('streaming');
  const inputTokenBound = size.maxBytes() + TEMPLATE_TOKENS_PER_MESSAGE * (request.messages.length + 1);
  return { capabilities, estimatedInputTokens: size.roughTokens(), maxOutputTokens: request.maxTokens, inputTokenBound };
}

/**
 * Characters of text, with the non-ASCII ones apart: a CJK character is about a token, not a
 * quarter of one, so counting it as English would put a 100 k-token Chinese prompt at 25 k
 * and skip the exact count that keeps it from a window too small for it. Other non-ASCII text
 * (accented letters, emoji) comes out a little high, which only makes the exact count run
 * sooner. Scanning the text is a native-speed loop, far below the cost of parsing it.
 */
class TextSize {
  private ascii = 0;
  private other = 0;

  add(text: string): this {
    let other = 0;
    for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) >= 0x80) other++;
    this.ascii += text.length - other;
    this.other += other;
    return this;
  }

  roughTokens(): number {
    return roughTokens(this.ascii) + this.other;
  }

  /** At most three UTF-8 bytes per UTF-16 unit (a surrogate pair is four bytes for two units). */
  maxBytes(): number {
    return this.ascii + 3 * this.other;
  }
}

export function embeddingNeeds(request: EmbeddingRequest): RequestNeeds {
  const chars = request.input.reduce((sum, text) => sum + text.length, 0);
  return { capabilities: ['embeddings'], estimatedInputTokens: roughTokens(chars), inputTokenBound: 3 * chars + request.input.length };
}
