import { JunctionError } from '../../../errors';
import type { StreamEvent, Usage } from '../../../canonical/types';
import { sseEvent } from '../../../wire/sse-frame';
import { toAnthropicMessageId } from './anthropic-message-id';
import { convertAnthropicUsage } from './convert-anthropic-usage';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason';
import { toAnthropicErrorBody } from './render-anthropic-error';

export interface AnthropicStreamEncoderOptions {
  /** The route name the caller asked for; `message_start` reports it as `model`. */
  publicModel: string;
}

/**
 * Turns canonical stream events into Anthropic's Messages event sequence, one call per event:
 * `message_start`, then content blocks (`content_block_start`, deltas, `content_block_stop`),
 * then `message_delta` and `message_stop`. Each method returns the text to write next.
 */
export interface AnthropicStreamEncoder {
  encode(event: StreamEvent): string;
  /** Same-format pass-through: nothing to keep (a forwarded Anthropic stream carries its own usage). */
  note(event: StreamEvent): void;
  /** '' : usage travels in message_start and message_delta, which a forwarded stream has. */
  usage(usage: Usage): string;
  /**
   * The in-stream `error` event for a failure after bytes were sent; ends the stream. `usage`
   * is not sent: the only event that could carry it, message_delta, must give a stop_reason
   * (non-null after message_start, the API reference says), and there is none to give; the
   * Messages API itself ends a broken stream with a bare `error` event. The caller has the
   * prompt figures from message_start.
   */
  error(error: JunctionError, usage?: Usage): string;
}

const EMPTY_USAGE = { inputTokens: 0, outputTokens: 0 };

export function createAnthropicStreamEncoder(options: AnthropicStreamEncoderOptions): AnthropicStreamEncoder {
  let started = false;
  let ended = false;
  let nextBlockIndex = 0;
  let openBlock: { index: number; kind: 'text' | 'tool_use' } | undefined;
  // Canonical tool-call index → content block index; text blocks take indices too.
  const toolBlocks = new Map<number, number>();

  /** Close whatever block is open and open a new one; returns the events and the new index. */
  function openNewBlock(kind: 'text' | 'tool_use', contentBlock: Record<string, unknown>): { text: string; index: number } {
    const closing = closeBlock();
    const index = nextBlockIndex++;
    openBlock = { index, kind };
    return { text: closing + sseEvent('content_block_start', { type: 'content_block_start', index, content_block: contentBlock }), index };
  }

  function closeBlock(): string {
    if (openBlock === undefined) return '';
    const { index } = openBlock;
    openBlock = undefined;
    return sseEvent('content_block_stop', { type: 'content_block_stop', index });
  }

  function delta(index: number, payload: Record<string, unknown>): string {
    return sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: payload });
  }

  function messageStart(event: Extract<StreamEvent, { type: 'start' }>): string {
    started = true;
    return sseEvent('message_start', {
      type: 'message_start',
      message: {
        id: toAnthropicMessageId(event.id),
        type: 'message',
        role: 'assistant',
        model: options.publicModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // Upstreams other than Anthropic report prompt tokens only at the end; the real totals
        // follow in message_delta, which the Anthropic clients read as cumulative.
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
  }

  function finish(event: Extract<StreamEvent, { type: 'finish' }>): string {
    ended = true;
    const stopReason = mapAnthropicStopReason(event.finishReason, toolBlocks.size > 0);
    return (
      closeBlock() +
      sseEvent('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: convertAnthropicUsage(event.usage ?? EMPTY_USAGE),
      }) +
      sseEvent('message_stop', { type: 'message_stop' })
    );
  }

  return {
    encode: function encodeAnthropicStreamEvent(event) {
      if (ended) return '';
      if (event.type === 'start') return messageStart(event);
      if (!started) throw new JunctionError('internal_error', `stream event '${event.type}' before start`);
      switch (event.type) {
        case 'text-delta': {
          if (event.text === '') return '';
          const block = openBlock?.kind === 'text' ? { text: '', index: openBlock.index } : openNewBlock('text', { type: 'text', text: '' });
          return block.text + delta(block.index, { type: 'text_delta', text: event.text });
        }
        case 'tool-call-start': {
          const block = openNewBlock('tool_use', { type: 'tool_use', id: event.id, name: event.name, input: {} });
          toolBlocks.set(event.index, block.index);
          return block.text;
        }
        case 'tool-call-delta': {
          if (event.argumentsDelta === '') return '';
          const index = toolBlocks.get(event.index);
          if (index === undefined) throw new JunctionError('internal_error', `arguments for tool call ${event.index} before its start`);
          // Written to the tool call's own block even if another block opened since: the stream
          // contract keeps one tool call's deltas together, and the clients index by block.
          return delta(index, { type: 'input_json_delta', partial_json: event.argumentsDelta });
        }
        case 'finish':
          return finish(event);
      }
    },
    note: function noteForwardedEvent() {},
    usage: function encodeAnthropicUsage() {
      return '';
    },
    error: function encodeAnthropicStreamError(error) {
      if (ended) return '';
      ended = true;
      return sseEvent('error', toAnthropicErrorBody(error));
    },
  };
}
