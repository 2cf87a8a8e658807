/**
 * One streamed attempt: send upstream, split its SSE body, decode to canonical events and hand
 * them to the caller's sink. The attempt claims the response (and the sink is committed) only
 * when its first event is ready, so everything that fails before that can still fall back, and
 * a hedged twin that loses the race never writes.
 */
import { JunctionError } from '../core/errors';
import { roughTokens } from '../core/needs';
import type { Candidate } from '../core/plan';
import type { ChatRequest, StreamEvent, Usage } from '../core/types';
import { createSseSplitter } from '../providers/sse';
import type { ProviderAdapter, SseMessage, WireFormat } from '../providers/types';
import type { AttemptContext } from './executor';
import { throwIfFailed } from './read-body';
import type { RequestRecord } from './request-record';
import { describeTransportFailure, type UpstreamClient } from './upstream-client';

/** What is known of the routing when a stream's first byte goes out (its response headers). */
export interface StreamStart {
  deployment: string;
  tier: string;
  /** Attempts made so far, this one included. */
  attempts: number;
  strategy?: string;
}

/** The upstream's own SSE messages behind a batch of events, for same-format pass-through. */
export interface RawMessages {
  format: WireFormat;
  messages: SseMessage[];
}

/** Where a stream's canonical events go; implemented per ingress format by the HTTP layer. */
export interface StreamSink {
  /** True once `begin` has run: bytes may have reached the caller, so no transparent fallback. */
  readonly begun: boolean;
  /** Commit the response (status 200, headers naming what answers). */
  begin(info: StreamStart): void;
  /**
   * Write events; resolves when the socket can take more (backpressure). With `raw`, a sink
   * whose caller speaks the same format may forward the upstream's messages instead of
   * re-encoding the events (they describe the same content).
   */
  write(events: StreamEvent[], raw?: RawMessages): Promise<void> | void;
  /** After `begin`: end the stream with an explicit error event in the caller's format. */
  fail(error: JunctionError): void;
  /** After `begin`: end the stream normally. */
  end(): void;
}

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
  const upstream = await client.send(candidate.provider, adapter.chatRequest(request, target), attempt.cancel);
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
    for (const event of events) {
      if (event.type === 'text-delta') outputChars += event.text.length;
      else if (event.type === 'tool-call-delta') outputChars += event.argumentsDelta.length;
      else if (event.type === 'finish') {
        usage = event.usage ?? estimate(options.estimatedInputTokens, outputChars);
        attempt.reportUsage(usage);
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
    if (claimed && usage === undefined) attempt.reportUsage(estimate(options.estimatedInputTokens, outputChars));
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

/** Rough usage of a stream cut before its usage arrived, so the ledger never says 0. */
function estimate(inputTokens: number, outputChars: number): Usage {
  return { inputTokens, outputTokens: roughTokens(outputChars) };
}
