import type { FinishReason, FinishReasonUnified } from '../../canonical/types';

const UNIFIED: Readonly<Record<string, FinishReasonUnified>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content-filter',
  RECITATION: 'content-filter',
  BLOCKLIST: 'content-filter',
  PROHIBITED_CONTENT: 'content-filter',
  SPII: 'content-filter',
  IMAGE_SAFETY: 'content-filter',
  MALFORMED_FUNCTION_CALL: 'error',
};

/**
 * Gemini `finishReason` → unified finish reason, keeping the raw word. Gemini says `STOP` after
 * function calls too, so whether the answer called tools decides between `stop` and
 * `tool-calls`. `LANGUAGE`, `OTHER`, `FINISH_REASON_UNSPECIFIED` and any reason added later
 * become `other`.
 */
export function mapGeminiFinishReason(finishReason: string | undefined, hasToolCalls: boolean): FinishReason {
  const unified = finishReason !== undefined && Object.hasOwn(UNIFIED, finishReason) ? UNIFIED[finishReason] : 'other';
  return { unified: unified === 'stop' && hasToolCalls ? 'tool-calls' : unified, raw: finishReason };
}

/**
 * A prompt Gemini refused to answer at all (`promptFeedback.blockReason`, no candidates) ends
 * like a filtered answer: it is the upstream's verdict on the content, not a failure to retry.
 */
export function mapGeminiBlockReason(blockReason: string): FinishReason {
  return { unified: 'content-filter', raw: blockReason };
}
