import type { FinishReason } from '../../../canonical/types';

/** The `stop_reason` values Junction produces in Anthropic format. */
export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

/**
 * Canonical finish reason → Anthropic's. A plain stop is `stop_sequence` only when the upstream
 * said so (an Anthropic upstream); other providers do not distinguish the two. A turn ending in
 * tool calls is `tool_use` even when the upstream called it a plain stop, as some do.
 */
export function mapAnthropicStopReason(finishReason: FinishReason, hasToolCalls: boolean): AnthropicStopReason {
  switch (finishReason.unified) {
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    case 'stop':
      if (hasToolCalls) return 'tool_use';
      return finishReason.raw === 'stop_sequence' ? 'stop_sequence' : 'end_turn';
    default:
      return hasToolCalls ? 'tool_use' : 'end_turn';
  }
}
