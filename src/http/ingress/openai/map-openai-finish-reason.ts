import type { FinishReason } from '../../../canonical/types';

/** The `finish_reason` values the OpenAI clients know. */
export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * Canonical finish reason → OpenAI's. `hasToolCalls` matters because some upstreams (Gemini,
 * some OpenAI-compatible servers) report a plain stop when the turn ends in tool calls, and
 * agents branch on `finish_reason === 'tool_calls'`.
 */
export function mapOpenAIFinishReason(finishReason: FinishReason, hasToolCalls: boolean): OpenAIFinishReason {
  switch (finishReason.unified) {
    case 'length':
      return 'length';
    case 'content-filter':
      return 'content_filter';
    case 'tool-calls':
      return 'tool_calls';
    default:
      return hasToolCalls ? 'tool_calls' : 'stop';
  }
}
