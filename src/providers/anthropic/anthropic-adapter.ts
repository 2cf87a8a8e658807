import { JunctionError } from '../../errors';
import type { ChatResponse, ToolCall } from '../../canonical/types';
import type { ProviderAdapter, UpstreamRequest, UpstreamTarget } from '../types';
import { acceptsAnthropicMessage } from './anthropic-answer-check';
import { anthropicMessageSchema, type AnthropicMessageResponse } from './anthropic-api';
import { createAnthropicStreamDecoder } from './anthropic-stream-decoder';
import { convertAnthropicUsage } from './convert-anthropic-usage';
import { convertToAnthropicRequest } from './convert-to-anthropic-request';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason';
import { parseAnthropicError } from './map-anthropic-error';

/** The API version Junction's converters are written against. */
export const ANTHROPIC_VERSION = '2023-06-01';

export interface AnthropicAdapterOptions {
  /**
   * Milliseconds since the epoch (default `Date.now`). Anthropic answers carry no creation
   * time, so `created` is stamped from this clock; it also dates HTTP-date `retry-after` values.
   */
  now?: () => number;
}

/** The adapter for `kind: anthropic` providers: the Messages API, chat only (Anthropic has no embeddings API). */
export function createAnthropicAdapter(options: AnthropicAdapterOptions = {}): ProviderAdapter {
  const now = options.now ?? Date.now;

  return {
    kind: 'anthropic',
    format: 'anthropic',

    chatRequest(request, target): UpstreamRequest {
      const body = convertToAnthropicRequest(request, target.deployment);
      return { method: 'POST', path: '/messages', headers: anthropicHeaders(target), body: JSON.stringify(body) };
    },

    parseChatResponse(body, target): ChatResponse {
      // The fast check agrees with the schema; zod runs only for answers it refuses, to say why.
      const message = acceptsAnthropicMessage(body) ? body : parseMessage(body, target);
      let text = '';
      const toolCalls: ToolCall[] = [];
      for (const block of message.content) {
        if (block.type === 'text' && 'text' in block) text += block.text;
        else if (block.type === 'tool_use' && 'input' in block) toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
      }
      return {
        id: message.id,
        model: message.model,
        created: Math.floor(now() / 1000),
        text,
        toolCalls,
        finishReason: mapAnthropicStopReason(message.stop_reason),
        usage: convertAnthropicUsage(message.usage),
      };
    },

    createStreamDecoder() {
      return createAnthropicStreamDecoder({ now });
    },

    parseError(status, body, headers) {
      return parseAnthropicError(status, body, headers, now());
    },
  };
}

/** zod's reading of an answer the fast check refused: its output, or an error naming the fault. */
function parseMessage(body: unknown, target: UpstreamTarget): AnthropicMessageResponse {
  const parsed = anthropicMessageSchema.safeParse(body);
  if (!parsed.success) {
    throw new JunctionError('upstream_bad_response', `Anthropic answer from ${target.deployment.id} has the wrong shape: ${parsed.error.message}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** The adapter with the real clock. */
export const anthropicAdapter: ProviderAdapter = createAnthropicAdapter();

/** Provider headers come last so a deployment can pin another API version or add beta flags. */
function anthropicHeaders({ provider }: UpstreamTarget): Record<string, string> {
  return {
    'content-type': 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
    ...(provider.apiKey ? { 'x-api-key': provider.apiKey } : {}),
    ...provider.headers,
  };
}
