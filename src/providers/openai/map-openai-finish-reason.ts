import type { FinishReason, FinishReasonUnified } from '../../canonical/types';

const UNIFIED: Readonly<Record<string, FinishReasonUnified>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  // The legacy single-function form of tool calls.
  function_call: 'tool-calls',
  content_filter: 'content-filter',
};

/** OpenAI's `finish_reason` → the unified reason, keeping the raw word. */
export function mapOpenAIFinishReason(raw: string | null | undefined): FinishReason {
  if (raw === null || raw === undefined) return { unified: 'other', raw: undefined };
  return { unified: Object.hasOwn(UNIFIED, raw) ? UNIFIED[raw] : 'other', raw };
}
