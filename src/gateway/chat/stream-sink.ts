/**
 * The stream sink port: where a streamed answer's canonical events go. The HTTP layer writes
 * them as server-sent events in the caller's format; the library hands them to an iterator.
 */
import type { StreamEvent, Usage, WireFormat } from '../../canonical/types';
import type { JunctionError } from '../../errors';
import type { SseMessage } from '../../providers/types';

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
  /**
   * After `begin`: end the stream with an explicit error event in the caller's format, preceded
   * by `usage` (the request's usage so far, as the ledger records it) where the format can carry it.
   */
  fail(error: JunctionError, usage?: Usage): void;
  /** After `begin`: end the stream normally. */
  end(): void;
}

