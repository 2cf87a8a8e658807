/**
 * Streamed chat, the execute and fallback stages: run the plan with the caller's sink. Failures
 * before the first byte fall back transparently; after it, the route either resumes on another
 * deployment or the sink ends with an explicit error event. Never a silent end.
 */
import { responseToEvents } from '../../canonical/response-events';
import type { ChatRequest } from '../../canonical/types';
import type { RequestNeeds } from '../../routing/needs';
import type { AttemptPlan } from '../../routing/plan';
import type { Exchange } from '../context';
import { executeOptions } from '../execution/exchange';
import { executePlan } from '../execution/executor';
import { finalError, isLastResort, lastResortOrThrow } from '../fallback/last-resort';
import { canResume, resumeStream } from '../fallback/resume';
import { StaleCache } from '../fallback/stale-cache';
import type { GatewayServices } from '../services';
import { runStreamAttempt } from './stream-attempt';
import type { StreamSink } from './stream-sink';
import { TrackingSink } from './tracking-sink';

/** Streams the answer into `sink`; returns the complete answer's tracking (for the response cache). */
export async function streamChat(
  services: GatewayServices,
  staleCache: StaleCache,
  exchange: Exchange,
  plan: AttemptPlan,
  needs: RequestNeeds,
  request: ChatRequest,
  sink: StreamSink,
): Promise<TrackingSink> {
  const { route, record } = exchange;
  // Pass-through is off on resumable routes: a resumed segment is re-encoded and the encoder
  // must have seen the whole stream.
  const tracking = new TrackingSink(sink, !route.streamResume);
  const cacheKey = route.staleCache ? StaleCache.key(route.name, request) : undefined;
  const execute = (planned: AttemptPlan, sent: ChatRequest) =>
    executePlan(
      executeOptions(
        services,
        exchange,
        planned,
        needs,
        (attempt) =>
          runStreamAttempt({
            request: sent,
            attempt,
            client: services.client,
            adapter: services.adapterFor(attempt.candidate.provider),
            record,
            sink: tracking,
            estimatedInputTokens: needs.estimatedInputTokens,
          }),
        () => !tracking.segmentStarted,
      ),
    );

  try {
    const result = await execute(plan, request);
    record.noteResult(result.candidate.tier, result.hedge);
  } catch (error) {
    if (!tracking.begun) {
      const answer = lastResortOrThrow(exchange, error, staleCache, cacheKey, services.now());
      tracking.begin({ deployment: answer.tier, tier: answer.tier, attempts: record.attempts.length, strategy: record.strategy });
      await tracking.write(responseToEvents(answer.response));
    } else {
      if (!canResume(exchange, error, tracking)) throw finalError(route, error);
      await resumeStream(exchange, plan, request, tracking, execute);
    }
  }
  const response = tracking.assembled.response;
  if (response) {
    record.usage = response.usage;
    record.finishReason = response.finishReason;
    if (cacheKey && !isLastResort(record.fallbackTier)) staleCache.store(cacheKey, response, services.now());
  }
  return tracking;
}
