import { JunctionError } from '../../errors';
import type { StreamEvent, Usage } from '../../canonical/types';
import type { SseMessage, StreamDecoder } from '../types';
import {
  ANTHROPIC_STREAM_EVENT_TYPES,
  anthropicStreamEventSchema,
  type AnthropicDeltaUsage,
  type AnthropicStreamEvent,
  type AnthropicUsage,
} from './anthropic-api';
import { acceptsAnthropicStreamEvent } from './anthropic-answer-check';
import { convertAnthropicUsage } from './convert-anthropic-usage';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason';
import { anthropicStreamError } from './map-anthropic-error';

export interface AnthropicStreamDecoderOptions {
  /** Milliseconds since the epoch; the stream carries no creation time, so `start.created` is read from here. */
  now: () => number;
}

/** A tool_use content block being streamed, by its content block index. */
interface OpenToolCall {
  /** Index among this answer's tool calls (text and thinking blocks do not count). */
  index: number;
  /** Whether any argument text has been sent; a tool without parameters may stream none. */
  hasArguments: boolean;
}

/**
 * Decoder of one Messages API stream: `message_start`, then per content block
 * `content_block_start` / `content_block_delta`… / `content_block_stop`, then `message_delta`
 * (stop reason, cumulative usage) and `message_stop`; `ping` may come anywhere and `error`
 * ends the stream with a classified error. Only `message_stop` after a stop reason finishes: a
 * stream that ends before it was cut short, and so is one whose `message_stop` comes without a
 * `message_delta` saying why the model stopped (the API always sends one).
 */
export function createAnthropicStreamDecoder(options: AnthropicStreamDecoderOptions): StreamDecoder {
  let started = false;
  let finished = false;
  let startUsage: AnthropicUsage | undefined;
  let deltaUsage: AnthropicDeltaUsage | undefined;
  let stopReason: string | null | undefined;
  const toolCalls = new Map<number, OpenToolCall>();

  function handle(event: AnthropicStreamEvent): StreamEvent[] {
    if (event.type === 'ping') return [];
    if (event.type === 'error') throw anthropicStreamError(event);
    if (event.type === 'message_stop' && (stopReason ?? undefined) === undefined) {
      throw new JunctionError('upstream_stream_truncated', `Anthropic stream sent message_stop ${started ? 'without a stop_reason' : 'before message_start'}`);
    }
    if (event.type === 'message_start') {
      if (started) throw badResponse('a second message_start arrived');
      started = true;
      startUsage = event.message.usage;
      return [{ type: 'start', id: event.message.id, model: event.message.model, created: Math.floor(options.now() / 1000) }];
    }
    if (!started) throw badResponse(`${event.type} arrived before message_start`);

    switch (event.type) {
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'tool_use' && 'id' in block) {
          const call: OpenToolCall = { index: toolCalls.size, hasArguments: false };
          toolCalls.set(event.index, call);
          return [{ type: 'tool-call-start', index: call.index, id: block.id, name: block.name }];
        }
        if (block.type === 'text' && 'text' in block && block.text !== '') return [{ type: 'text-delta', text: block.text }];
        return [];
      }
      case 'content_block_delta': {
        const { delta } = event;
        if (delta.type === 'text_delta' && 'text' in delta) return delta.text === '' ? [] : [{ type: 'text-delta', text: delta.text }];
        if (delta.type === 'input_json_delta' && 'partial_json' in delta) {
          const call = toolCalls.get(event.index);
          if (call === undefined) throw badResponse(`input_json_delta for content block ${event.index}, which is not a tool_use block`);
          if (delta.partial_json === '') return [];
          call.hasArguments = true;
          return [{ type: 'tool-call-delta', index: call.index, argumentsDelta: delta.partial_json }];
        }
        // Thinking, signatures and citations are not part of the canonical answer.
        return [];
      }
      case 'content_block_stop': {
        const call = toolCalls.get(event.index);
        // A parameterless tool may stream no JSON at all; `{}` keeps arguments parseable, as in whole responses.
        if (call !== undefined && !call.hasArguments) {
          call.hasArguments = true;
          return [{ type: 'tool-call-delta', index: call.index, argumentsDelta: '{}' }];
        }
        return [];
      }
      case 'message_delta':
        stopReason = event.delta.stop_reason ?? stopReason;
        deltaUsage = event.usage;
        return [];
      case 'message_stop':
        finished = true;
        return [{ type: 'finish', finishReason: mapAnthropicStopReason(stopReason), usage: combineUsage(startUsage, deltaUsage) }];
    }
  }

  return {
    push(message: SseMessage): StreamEvent[] {
      if (finished) return [];
      const event = parseEvent(message.data);
      return event === undefined ? [] : handle(event);
    },
    end(): StreamEvent[] {
      if (!finished) {
        throw new JunctionError('upstream_stream_truncated', started ? 'Anthropic stream ended before message_stop' : 'Anthropic stream ended before message_start');
      }
      return [];
    },
  };
}

/** Parses one event's data; undefined for event types this decoder does not know (skipped, not failed). */
function parseEvent(data: string): AnthropicStreamEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (error) {
    throw badResponse(`event data is not JSON: ${data.slice(0, 100)}`, error);
  }
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (typeof type !== 'string') throw badResponse('event data has no type');
  if (!ANTHROPIC_STREAM_EVENT_TYPES.has(type)) return undefined;
  // The fast check agrees with the schema; zod runs only for events it refuses, to say why.
  if (acceptsAnthropicStreamEvent(json)) return json;
  const parsed = anthropicStreamEventSchema.safeParse(json);
  if (!parsed.success) throw badResponse(`${type} event has the wrong shape: ${parsed.error.message}`, parsed.error);
  return parsed.data;
}

/** `message_start` holds the input figures; `message_delta` holds the cumulative output and, on some versions, updated input figures. */
function combineUsage(start: AnthropicUsage | undefined, delta: AnthropicDeltaUsage | undefined): Usage | undefined {
  if (start === undefined) return undefined;
  return convertAnthropicUsage({
    input_tokens: delta?.input_tokens ?? start.input_tokens,
    output_tokens: delta?.output_tokens ?? start.output_tokens,
    cache_read_input_tokens: delta?.cache_read_input_tokens ?? start.cache_read_input_tokens,
    cache_creation_input_tokens: delta?.cache_creation_input_tokens ?? start.cache_creation_input_tokens,
  });
}

function badResponse(message: string, cause?: unknown): JunctionError {
  return new JunctionError('upstream_bad_response', `Anthropic stream: ${message}`, cause === undefined ? {} : { cause });
}
