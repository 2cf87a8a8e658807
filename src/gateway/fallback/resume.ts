/**
 * The fallback stage of a stream cut after its first byte: continue on the deployments of the
 * plan not yet tried, the partial answer sent as an assistant prefix, so the caller sees one
 * stream. Only for routes with `streamResume`, and never after tool calls began (a partial
 * call cannot be continued as text).
 */
import type { ChatRequest } from '../../canonical/types';
import { JunctionError } from '../../errors';
import type { AttemptPlan } from '../../routing/plan';
import type { TrackingSink } from '../chat/tracking-sink';
import type { Exchange } from '../context';
import { isExhausted } from './last-resort';

export function canResume(exchange: Exchange, error: unknown, tracking: TrackingSink): boolean {
  if (!exchange.route.streamResume || exchange.cancel.aborted || tracking.assembled.hasToolCalls) return false;
  return error instanceof JunctionError && error.retryable;
}

/** Runs the rest of `plan` with the partial answer as a prefix; throws `upstream_stream_truncated` when nothing can continue it. */
export async function resumeStream(
  exchange: Exchange,
  plan: AttemptPlan,
  request: ChatRequest,
  tracking: TrackingSink,
  execute: (plan: AttemptPlan, request: ChatRequest) => Promise<unknown>,
): Promise<void> {
  const { record, route } = exchange;
  const tried = new Set(record.attempts.map((attempt) => attempt.deployment));
  const remaining = plan.attempts.filter((attempt) => !tried.has(attempt.deployment.id));
  if (remaining.length === 0) throw new JunctionError('upstream_stream_truncated', `the stream broke and route ${route.name} has no other deployment to resume on`);
  const partial = tracking.assembled.partialText;
  const continuation: ChatRequest = { ...request, messages: [...request.messages, { role: 'assistant', content: [{ type: 'text', text: partial }] }] };
  const cut = record.attempts.at(-1);
  tracking.startSegment(cut ? { inputTokens: cut.inputTokens, outputTokens: cut.outputTokens } : undefined);
  record.fallbackTier = 'resumed';
  try {
    await execute({ ...plan, attempts: remaining }, continuation);
  } catch (error) {
    throw isExhausted(error) ? new JunctionError('upstream_stream_truncated', `the stream broke and could not be resumed on route ${route.name}`) : error;
  }
}
