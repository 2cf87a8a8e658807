/**
 * Streamed chat: plan, execute with the caller's sink, and when the stream breaks after its
 * first byte, either resume on another deployment (partial answer sent as an assistant prefix,
 * usage of both attempts stitched) or end with an explicit error event. Never a silent end.
 */
import { JunctionError } from '../core/errors';
import type { AttemptPlan } from '../core/plan';
import { ResponseAssembler, responseToEvents } from '../core/response-events';
import type { ChatRequest, StreamEvent, Usage } from '../core/types';
import type { Cancel } from './cancel';
import { executePlan } from './executor';
import type { Gateway, Outcome, RequestContext } from './gateway';
import { exhaustedError, isExhausted, lastResortAnswer, wantsLastResort } from './last-resort';
import type { RequestRecord } from './request-record';
import { StaleCache } from './stale-cache';
import { runStreamAttempt, type RawMessages, type StreamSink, type StreamStart } from './stream-attempt';

export async function streamChat(gateway: Gateway, request: ChatRequest, context: RequestContext, sink: StreamSink): Promise<Outcome> {
  const { outcome } = await gateway.run(request.model, 'chat', true, context, async (route, record, cancel) => {
    const { plan, needs } = gateway.planChat(route, request, context, record);
    // Pass-through is off on resumable routes: a resumed segment is re-encoded and the encoder
    // must have seen the whole stream.
    const tracking = new TrackingSink(sink, !route.streamResume);
    const cacheKey = route.staleCache ? StaleCache.key(route.name, request) : undefined;
    const execute = (planned: AttemptPlan, sent: ChatRequest) =>
      executePlan(
        gateway.executeOptions(
          planned,
          route,
          record,
          cancel,
          (attempt) =>
            runStreamAttempt({
              request: sent,
              attempt,
              client: gateway.client,
              adapter: gateway.adapterFor(attempt.candidate.provider),
              record,
              sink: tracking,
              estimatedInputTokens: needs.estimatedInputTokens,
            }),
          () => !tracking.segmentStarted,
        ),
      );

    try {
      gateway.noteResult(record, await execute(plan, request));
    } catch (error) {
      if (!tracking.begun) {
        const answer = wantsLastResort(error) && !context.cancel.aborted ? lastResortAnswer(route, gateway.staleCache, cacheKey, gateway.now()) : undefined;
        if (!answer) throw isExhausted(error) ? exhaustedError(route, error) : error;
        record.fallbackTier = answer.tier;
        record.markFirstByte();
        tracking.begin({ deployment: answer.tier, tier: answer.tier, attempts: record.attempts.length, strategy: record.strategy });
        await tracking.write(responseToEvents(answer.response));
      } else {
        if (!canResume(route.streamResume, error, tracking, cancel)) throw isExhausted(error) ? exhaustedError(route, error) : error;
        await resume(gateway, plan, request, record, tracking, execute, route.name);
      }
    }
    const response = tracking.assembled.response;
    if (response) {
      record.usage = response.usage;
      record.finishReason = response.finishReason;
      if (cacheKey && !record.fallbackTier?.startsWith('st')) gateway.staleCache.store(cacheKey, response, gateway.now());
    }
  });
  return outcome;
}

function canResume(enabled: boolean, error: unknown, tracking: TrackingSink, cancel: Cancel): boolean {
  if (!enabled || cancel.aborted || tracking.assembled.hasToolCalls) return false;
  return error instanceof JunctionError && error.retryable;
}

/** Continue a cut stream on the deployments not yet tried, the partial answer as an assistant prefix. */
async function resume(
  gateway: Gateway,
  plan: AttemptPlan,
  request: ChatRequest,
  record: RequestRecord,
  tracking: TrackingSink,
  execute: (plan: AttemptPlan, request: ChatRequest) => Promise<unknown>,
  route: string,
): Promise<void> {
  const tried = new Set(record.attempts.map((attempt) => attempt.deployment));
  const remaining = plan.attempts.filter((attempt) => !tried.has(attempt.deployment.id));
  if (remaining.length === 0) throw new JunctionError('upstream_stream_truncated', `the stream broke and route ${route} has no other deployment to resume on`);
  const partial = tracking.assembled.partialText;
  const continuation: ChatRequest = { ...request, messages: [...request.messages, { role: 'assistant', content: [{ type: 'text', text: partial }] }] };
  const cut = record.attempts.at(-1);
  tracking.startSegment(cut ? { inputTokens: cut.inputTokens, outputTokens: cut.outputTokens } : undefined);
  record.fallbackTier = 'resumed';
  try {
    await execute({ ...plan, attempts: remaining }, continuation);
  } catch (error) {
    throw isExhausted(error) ? new JunctionError('upstream_stream_truncated', `the stream broke and could not be resumed on route ${route}`) : error;
  }
}

/**
 * Wraps the caller's sink: keeps the answer so far (for resuming and the stale cache), and in a
 * resumed segment drops the second `start` and adds the cut attempt's usage to the finish.
 */
class TrackingSink implements StreamSink {
  readonly assembled = new ResponseAssembler();
  segmentStarted = false;
  private carried: Usage | undefined;
  private resuming = false;

  constructor(
    private readonly inner: StreamSink,
    private readonly passThrough: boolean,
  ) {}

  get begun(): boolean {
    return this.inner.begun;
  }

  begin(info: StreamStart): void {
    this.inner.begin(info);
  }

  startSegment(carried: Usage | undefined): void {
    this.segmentStarted = false;
    this.resuming = true;
    this.carried = carried;
  }

  write(events: StreamEvent[], raw?: RawMessages): Promise<void> | void {
    this.segmentStarted = true;
    const out: StreamEvent[] = [];
    for (const event of events) {
      if (event.type === 'start' && this.resuming) continue;
      const adjusted = event.type === 'finish' && this.carried ? { ...event, usage: addUsage(event.usage, this.carried) } : event;
      this.assembled.add(adjusted);
      out.push(adjusted);
    }
    return this.inner.write(out, this.passThrough && !this.resuming ? raw : undefined);
  }

  fail(error: JunctionError, usage?: Usage): void {
    this.inner.fail(error, usage);
  }

  end(): void {
    this.inner.end();
  }
}

function addUsage(usage: Usage | undefined, carried: Usage): Usage {
  return {
    ...usage,
    inputTokens: (usage?.inputTokens ?? 0) + carried.inputTokens,
    outputTokens: (usage?.outputTokens ?? 0) + carried.outputTokens,
  };
}
