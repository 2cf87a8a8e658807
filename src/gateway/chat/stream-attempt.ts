/**
 * One streamed attempt: send upstream, split its SSE body, decode to canonical events and hand
 * them to the caller's sink. The attempt claims the response (and the sink is committed) only
 * when its first event is ready, so everything that fails before that can still fall back, and
 * a hedged twin that loses the race never writes.
 */
import { JunctionError } from '../../errors';
import { roughTokens } from '../../routing/needs';
import type { Candidate } from '../../routing/plan';
import type { ChatRequest, StreamEvent, Usage } from '../../canonical/types';
import { createSseSplitter } from '../../wire/sse';
import type { ProviderAdapter, SseMessage } from '../../providers/types';
import { buildUpstreamRequest } from '../execution/exchange';
import type { AttemptContext } from '../execution/executor';
import { throwIfFailed } from '../execution/read-body';
import type { RequestRecord } from '../request-record';
import { describeTransportFailure, type UpstreamClient } from '../execution/upstream-client';
import type { StreamSink } from './stream-sink';

export interface StreamAttemptOptions {
  request: ChatRequest;
  attempt: AttemptContext;
  client: UpstreamClient;
  adapter: ProviderAdapter;
  record: RequestRecord;
  sink: StreamSink;
  estimatedInputTokens: number;
}


export async function runStreamAttempt(options: StreamAttemptOptions): Promise<Usage | undefined> {
  const { request, attempt, client, adapter, record, sink } = options;
  const { candidate } = attempt;
  const target = { provider: candidate.provider, deployment: candidate.deployment };
  const upstream = await client.send(candidate.provider, buildUpstreamRequest(adapter, target, (built) => built.chatRequest(request, target)), attempt.cancel);
  attempt.firstByte();
  await throwIfFailed(upstream, adapter);

  const decoder = adapter.createStreamDecoder(target);
  const format = adapter.format;
  let pending: StreamEvent[] = [];
  let pendingRaw: SseMessage[] = [];
  let claimed = false;
  let outputChars = 0;
  let usage: Usage | undefined;
  // Messages are split out of a chunk first and decoded after, so that the first event can go
  // out before the rest of its chunk is decoded (an upstream may send the whole answer at once).
  const split: SseMessage[] = [];
  const splitter = createSseSplitter((message) => split.push(message));
  const deliver = async (): Promise<void> => {
    if (pending.length === 0) return;
    const events = pending;
    const raw = pendingRaw;
    pending = [];
    pendingRaw = [];
    if (!claimed) {
      if (!attempt.claim()) throw new JunctionError('attempt_cancelled', 'another hedged attempt answered first');
      claimed = true;
      attempt.clearTimeout();
      record.markFirstByte();
      if (!sink.begun) sink.begin({ deployment: candidate.deployment.id, tier: candidate.tier, attempts: record.attempts.length + 1, strategy: record.strategy });
    }
    for (let index = 0; index < events.length; index++) {
      const event = events[index];
      if (event.type === 'text-delta') outputChars += event.text.length;
      else if (event.type === 'tool-call-delta') outputChars += event.argumentsDelta.length;
      else if (event.type === 'finish') {
        usage = event.usage ?? estimate(options.estimatedInputTokens, outputChars, request.maxTokens);
        attempt.reportUsage(usage);
        // An upstream that sent no usage is billed the estimate; the caller is told the same figure.
        if (event.usage === undefined) events[index] = { ...event, usage };
      }
    }
    await sink.write(events, { format, messages: raw });
  };
  const decodeSplit = async (): Promise<void> => {
    for (const message of split) {
      for (const event of decoder.push(message)) pending.push(event);
      pendingRaw.push(message);
      if (!claimed && pending.length > 0) await deliver();
    }
    split.length = 0;
    await deliver();
  };

  try {
    // A TextDecoder in streaming mode keeps multi-byte characters split across chunks intact.
    const text = new TextDecoder();
    for await (const chunk of upstream.body) {
      splitter.feed(text.decode(chunk as Uint8Array, { stream: true }));
      await decodeSplit();
    }
    splitter.feed(text.decode());
    splitter.flush();
    await decodeSplit();
    for (const event of decoder.end()) pending.push(event);
    await deliver();
    return usage;
  } catch (error) {
    // Events decoded before the failure are sound: the caller gets them before the error event,
    // and a resumed stream continues after them rather than repeating them.
    if (claimed && pending.length > 0 && !attempt.cancel.aborted) await deliver().catch(() => undefined);
    if (claimed && usage === undefined) attempt.reportUsage(estimate(options.estimatedInputTokens, outputChars, request.maxTokens));
    throw cutShort(error, attempt, candidate);
  }
}

/** A connection lost while the body streams is a truncated stream, whatever the socket said. */
function cutShort(error: unknown, attempt: AttemptContext, candidate: Candidate): unknown {
  if (attempt.cancel.aborted || (error instanceof JunctionError && error.code !== 'upstream_connection')) return error;
  // The socket's own message may name the upstream's address: the caller gets the kind, the log the cause.
  const reason = error instanceof JunctionError ? error.message : describeTransportFailure(error);
  return new JunctionError('upstream_stream_truncated', `the stream from ${candidate.deployment.id} ended before its finish: ${reason}`, { cause: error });
}

/**
 * Rough usage of a stream cut before its usage arrived, so the ledger never says 0. Capped at
 * the request's max_tokens: the upstream cannot have produced more, and admission reserved the
 * budget for no more, so an estimate above it (long words count as more than one token in four
 * characters) would let spend pass a budget.
 */
export function estimate(inputTokens: number, outputChars: number, maxTokens?: number): Usage {
  const outputTokens = roughTokens(outputChars);
  return { inputTokens, outputTokens: maxTokens !== undefined && maxTokens >= 0 && outputTokens > maxTokens ? maxTokens : outputTokens };
}
