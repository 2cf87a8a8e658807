/**
 * A stream sink that library callers read as an async iterator of canonical events. Writes wait
 * while the reader is behind (backpressure, as a socket would), an error ends the iteration by
 * throwing it, and a reader that stops early cancels the request.
 */
import type { StreamEvent } from '../canonical/types';
import type { JunctionError } from '../errors';
import type { StreamSink, StreamStart } from '../gateway/chat/stream-sink';

/** Events buffered before a write waits for the reader. */
const HIGH_WATER = 64;

export class EventStream implements StreamSink, AsyncIterable<StreamEvent> {
  begun = false;
  /** What answered, once the first event went out. */
  start: StreamStart | undefined;
  private readonly queue: StreamEvent[] = [];
  private finished = false;
  private failure: unknown;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;

  /** `onAbandon` runs when the reader stops before the stream ended. */
  constructor(private readonly onAbandon: () => void) {}

  begin(info: StreamStart): void {
    this.begun = true;
    this.start = info;
  }

  write(events: StreamEvent[]): Promise<void> | void {
    for (const event of events) this.queue.push(event);
    this.wake();
    if (this.queue.length < HIGH_WATER) return;
    return new Promise((resolve) => (this.wakeWriter = resolve));
  }

  fail(error: JunctionError | unknown): void {
    this.failure = error;
    this.end();
  }

  end(): void {
    this.finished = true;
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    try {
      for (;;) {
        const event = this.queue.shift();
        if (event !== undefined) {
          if (this.queue.length < HIGH_WATER / 2) this.resumeWriter();
          yield event;
          continue;
        }
        if (this.finished) {
          if (this.failure !== undefined) throw this.failure;
          return;
        }
        this.resumeWriter();
        await new Promise<void>((resolve) => (this.wakeReader = resolve));
      }
    } finally {
      if (!this.finished) this.onAbandon();
      this.resumeWriter();
    }
  }

  private wake(): void {
    const wake = this.wakeReader;
    this.wakeReader = undefined;
    wake?.();
  }

  private resumeWriter(): void {
    const wake = this.wakeWriter;
    this.wakeWriter = undefined;
    wake?.();
  }
}
