/**
 * The caller's sink as the streamed-chat stages see it: keeps the answer so far (for resuming
 * and the stale cache), and in a resumed segment drops the second `start` and adds the cut
 * attempt's usage to the finish.
 */
import type { StreamEvent, Usage } from '../../canonical/types';
import type { JunctionError } from '../../errors';
import { ResponseAssembler } from '../../canonical/response-events';
import type { RawMessages, StreamSink, StreamStart } from './stream-sink';

export class TrackingSink implements StreamSink {
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
