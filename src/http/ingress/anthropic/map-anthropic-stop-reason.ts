import type { FinishReason } from '../../../canonical/types';

/**
 * `stop_reason` as Junction writes it: one of Anthropic's documented values for a finish that
 * has an Anthropic name, otherwise the upstream's own word (see below).
 */
export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded'
  | (string & {});

/**
 * Canonical finish reason → Anthropic's. A plain stop is `stop_sequence` only when the upstream
 * said so (an Anthropic upstream); other providers do not distinguish the two. A turn ending in
 * tool calls is `tool_use` even when the upstream called it a plain stop, as some do.
 *
 * Anthropic's own reasons without a unified equivalent (`pause_turn`) pass through unchanged.
 * Anthropic documents `end_turn` as "a natural stopping point"; a finish that was something else
 * and has no Anthropic name (Gemini's `OTHER`, a server's `abort`) goes out as the upstream said
 * it, as the ledger records it, rather than as an `end_turn` that did not happen; the official
 * clients take any string there. (A stream that never said how it finished does not get this
 * far: it is truncated.)
 */
export function mapAnthropicStopReason(finishReason: FinishReason, hasToolCalls: boolean): AnthropicStopReason {
  const { unified, raw } = finishReason;
  switch (unified) {
    case 'stop':
      if (hasToolCalls) return 'tool_use';
      return raw === 'stop_sequence' ? 'stop_sequence' : 'end_turn';
    case 'length':
      return raw === 'model_context_window_exceeded' ? raw : 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    default:
      return raw ?? unified;
  }
}
