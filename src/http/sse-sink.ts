/**
 * A StreamSink writing server-sent events to a node ServerResponse in the caller's format.
 * Headers are written only on `begin`, so a failure before the first event can still turn
 * into a normal error response or fall back to another deployment.
 */
import type { ServerResponse } from 'node:http';
import type { JunctionError } from '../errors';
import type { IngressFormat, StreamEvent, Usage } from '../canonical/types';
import type { RawMessages, StreamSink, StreamStart } from '../gateway/chat/stream-sink';
import type { SseMessage } from '../providers/types';
import { replaceModel, StreamModelRenamer } from './ingress/replace-model';
import type { StreamEncoder } from './ingress/formats';

export interface SseSinkOptions {
  /** The caller's wire format: upstream messages in the same format are forwarded as they came. */
  format: IngressFormat;
  /** OpenAI callers get the final usage chunk only when they asked for it. */
  includeUsage: boolean;
  /** The route the caller asked for: forwarded messages name it as their model, as encoded ones do. */
  publicModel: string;
}

// The usage-only chunk OpenAI sends last when stream_options.include_usage is set.
const OPENAI_USAGE_CHUNK = /"choices"\s*:\s*\[\s*\]/;
// Any chunk with usage figures (some servers put them on the finishing chunk). Escaped quotes
// inside content strings cannot match.
const OPENAI_USAGE = /"usage"\s*:\s*\{/;

export class SseSink implements StreamSink {
  begun = false;
  private renamer: StreamModelRenamer | undefined;

  constructor(
    private readonly response: ServerResponse,
    private readonly encoder: StreamEncoder,
    private readonly headers: (info: StreamStart) => Record<string, string>,
    private readonly options: SseSinkOptions,
  ) {}

  begin(info: StreamStart): void {
    this.begun = true;
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...this.headers(info),
    });
  }

  write(events: StreamEvent[], raw?: RawMessages): Promise<void> | void {
    const text = raw?.format === this.options.format ? this.forward(raw, events) : this.encode(events);
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

  private encode(events: StreamEvent[]): string {
    let text = '';
    for (const event of events) text += this.encoder.encode(event);
    return text;
  }

  /**
   * Same format both sides: the upstream's messages, reframed but not re-serialised. The
   * upstream's end marker comes only in the batch with the finish event, once its decoder saw
   * a proper finish; the caller's usage chunk is added before it when the upstream sent none.
   */
  private forward(raw: RawMessages, events: StreamEvent[]): string {
    let finish: Extract<StreamEvent, { type: 'finish' }> | undefined;
    for (const event of events) {
      this.encoder.note(event);
      if (event.type === 'finish') finish = event;
    }
    const addUsage = finish?.usage !== undefined && raw.format === 'openai' && this.options.includeUsage && !raw.messages.some((message) => OPENAI_USAGE.test(message.data));
    let text = '';
    for (const message of raw.messages) {
      if (raw.format === 'openai' && !this.options.includeUsage && OPENAI_USAGE_CHUNK.test(message.data)) continue;
      if (addUsage && message.data.trim() === '[DONE]') text += this.encoder.usage(finish!.usage!);
      const payload = this.renamed(raw.format, message);
      // A multi-line data field goes back out as several data lines, as SSE requires.
      const data = `data: ${payload.includes('\n') ? payload.replaceAll('\n', '\ndata: ') : payload}\n\n`;
      text += message.event === undefined ? data : `event: ${message.event}\n${data}`;
    }
    return text;
  }

  /** The message's data with the route's name where the upstream named its model (every OpenAI chunk; Anthropic's message_start). */
  private renamed(format: RawMessages['format'], message: SseMessage): string {
    const { data } = message;
    if (format === 'openai') return data === '[DONE]' ? data : ((this.renamer ??= new StreamModelRenamer(this.options.publicModel)).rename(data) ?? data);
    if (message.event === 'message_start') return replaceModel(data, this.options.publicModel, 2) ?? data;
    return data;
  }

  fail(error: JunctionError, usage?: Usage): void {
    if (this.response.destroyed) return;
    this.response.end(this.encoder.error(error, usage));
  }

  end(): void {
    if (!this.response.destroyed) this.response.end();
  }
}
