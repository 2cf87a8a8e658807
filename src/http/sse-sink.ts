/**
 * A StreamSink writing server-sent events to a node ServerResponse in the caller's format.
 * Headers are written only on `begin`, so a failure before the first event can still turn
 * into a normal error response or fall back to another deployment.
 */
import type { ServerResponse } from 'node:http';
import type { JunctionError } from '../core/errors';
import type { StreamEvent } from '../core/types';
import type { StreamSink } from '../gateway/stream-attempt';
import type { StreamEncoder } from './ingress/formats';

export class SseSink implements StreamSink {
  begun = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly encoder: StreamEncoder,
    private readonly headers: (info: { deployment: string; tier: string }) => Record<string, string>,
  ) {}

  begin(info: { deployment: string; tier: string }): void {
    this.begun = true;
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...this.headers(info),
    });
  }

  write(events: StreamEvent[]): Promise<void> | void {
    let text = '';
    for (const event of events) text += this.encoder.encode(event);
    if (text === '' || this.response.destroyed) return;
    if (this.response.write(text)) return;
    return new Promise((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.on('drain', done);
      this.response.on('close', done);
    });
  }

  fail(error: JunctionError): void {
    if (this.response.destroyed) return;
    this.response.end(this.encoder.error(error));
  }

  end(): void {
    if (!this.response.destroyed) this.response.end();
  }
}
