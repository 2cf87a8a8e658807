import { JunctionError } from '../../../errors';
import type { StreamEvent, Usage } from '../../../canonical/types';
import { sseData } from '../../../wire/sse-frame';
import { convertOpenAIUsage } from './convert-openai-usage';
import { mapOpenAIFinishReason, type OpenAIFinishReason } from './map-openai-finish-reason';
import { toOpenAIErrorObject } from './render-openai-error';

export interface OpenAIStreamEncoderOptions {
  /** The route name the caller asked for; every chunk reports it as `model`. */
  publicModel: string;
  /**
   * The caller set `stream_options.include_usage`: end with a usage-only chunk, also before an
   * error event (the figures the ledger bills, so the caller's accounting agrees with it).
   */
  includeUsage: boolean;
}

/**
 * Turns canonical stream events into `chat.completion.chunk` SSE text, one call per event.
 * Each method returns the text to write next ('' when there is nothing to write).
 */
export interface OpenAIStreamEncoder {
  encode(event: StreamEvent): string;
  /** Same-format pass-through: `event` went out as the upstream wrote it; keep the stream's identity for what follows. */
  note(event: StreamEvent): void;
  /** The usage-only chunk, when the caller asked for usage ('' otherwise): for a forwarded stream whose upstream sent none. */
  usage(usage: Usage): string;
  /**
   * The in-stream error event for a failure after bytes were sent; the openai clients raise it
   * as an APIError. With `usage` and `includeUsage`, the usage-only chunk goes first: the format
   * lets it come before any end, and the clients hand it over before raising. Ends the stream:
   * no `[DONE]` follows and later calls return ''.
   */
  error(error: JunctionError, usage?: Usage): string;
}

type Delta = Record<string, unknown>;

export function createOpenAIStreamEncoder(options: OpenAIStreamEncoderOptions): OpenAIStreamEncoder {
  let identity: { id: string; created: number } | undefined;
  let hasToolCalls = false;
  let ended = false;

  function envelope(): { id: string; object: 'chat.completion.chunk'; created: number; model: string } {
    if (identity === undefined) throw new JunctionError('internal_error', 'stream event before start');
    return { id: identity.id, object: 'chat.completion.chunk', created: identity.created, model: options.publicModel };
  }

  function chunk(delta: Delta, finishReason: OpenAIFinishReason | null = null): string {
    return sseData({
      ...envelope(),
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
      // OpenAI marks every chunk but the last with usage: null when usage was requested.
      ...(options.includeUsage ? { usage: null } : {}),
    });
  }

  function usageChunk(usage: Usage | undefined): string {
    if (!options.includeUsage || usage === undefined || identity === undefined) return '';
    return sseData({ ...envelope(), choices: [], usage: convertOpenAIUsage(usage) });
  }

  function finish(event: Extract<StreamEvent, { type: 'finish' }>): string {
    ended = true;
    const text = chunk({}, mapOpenAIFinishReason(event.finishReason, hasToolCalls)) + usageChunk(event.usage);
    return `${text}data: [DONE]\n\n`;
  }

  return {
    encode: function encodeOpenAIStreamEvent(event) {
      if (ended) return '';
      switch (event.type) {
        case 'start':
          identity = { id: event.id, created: event.created };
          return chunk({ role: 'assistant', content: '' });
        case 'text-delta':
          return event.text === '' ? '' : chunk({ content: event.text });
        case 'tool-call-start':
          hasToolCalls = true;
          return chunk({
            tool_calls: [{ index: event.index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } }],
          });
        case 'tool-call-delta':
          if (event.argumentsDelta === '') return '';
          return chunk({ tool_calls: [{ index: event.index, function: { arguments: event.argumentsDelta } }] });
        case 'finish':
          return finish(event);
      }
    },
    note: function noteForwardedEvent(event) {
      if (event.type === 'start') identity = { id: event.id, created: event.created };
    },
    usage: function encodeOpenAIUsageChunk(usage) {
      return ended ? '' : usageChunk(usage);
    },
    error: function encodeOpenAIStreamError(error, usage) {
      if (ended) return '';
      ended = true;
      return usageChunk(usage) + sseData({ error: toOpenAIErrorObject(error) });
    },
  };
}
