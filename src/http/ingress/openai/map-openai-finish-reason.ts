import type { FinishReason } from '../../../canonical/types';

/**
 * `finish_reason` as Junction writes it: one of the four values the OpenAI clients know for a
 * finish that has an OpenAI name, otherwise the upstream's own word (see below).
 */
export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | (string & {});

/**
 * Canonical finish reason → OpenAI's. `hasToolCalls` matters because some upstreams (Gemini,
 * some OpenAI-compatible servers) report a plain stop when the turn ends in tool calls, and
 * agents branch on `finish_reason === 'tool_calls'`.
 *
 * OpenAI documents `stop` as "a natural stop point or a provided stop sequence"; it has no word
 * for a finish that was neither (Anthropic's `pause_turn`, Gemini's `LANGUAGE` or
 * `MALFORMED_FUNCTION_CALL`, a server's `abort`). Those go out as the upstream said them, as the
 * ledger records them, rather than as a `stop` that did not happen; the official clients take
 * any string there. (A stream that never said how it finished does not get this far: it is
 * truncated.)
 */
export function mapOpenAIFinishReason(finishReason: FinishReason, hasToolCalls: boolean): OpenAIFinishReason {
  switch (finishReason.unified) {
    case 'stop':
      return hasToolCalls ? 'tool_calls' : 'stop';
    case 'length':
      return 'length';
    case 'content-filter':
      return 'content_filter';
    case 'tool-calls':
      return 'tool_calls';
    default:
      return finishReason.raw ?? finishReason.unified;
  }
}
