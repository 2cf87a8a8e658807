import type { FinishReason, FinishReasonUnified } from '../../canonical/types';

const UNIFIED: Readonly<Record<string, FinishReasonUnified>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  // The answer stopped for want of room, as with max_tokens.
  model_context_window_exceeded: 'length',
  tool_use: 'tool-calls',
  refusal: 'content-filter',
};

/**
 * Anthropic `stop_reason` → unified finish reason, keeping the raw word. `pause_turn` and any
 * reason added later become `other`, so callers can still see exactly what the upstream said.
 */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason {
  const raw = stopReason ?? undefined;
  return { unified: (raw !== undefined && Object.hasOwn(UNIFIED, raw) ? UNIFIED[raw] : 'other'), raw };
}
