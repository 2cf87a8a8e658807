import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Outcome, StatsRecorder } from './stats';

/** Injected wait; it may resolve or reject when the signal aborts, the exchange copes with both. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** A streamed answer, as frames to write in order. */
export interface StreamPlan {
  contentType: string;
  frames: string[];
  /** Pause between frames (0 sends the whole stream at once). */
  gapMs: number;
  /** Write only this many frames, then destroy the connection without a proper end. */
  cutAfter?: number;
  inputTokens: number;
  outputTokens: number;
}

const JSON_TYPE = 'application/json';

// Writes racing a client's disconnect can emit 'error' on the response; the close handler
// already accounts for the disconnect, so the error itself carries no news.
function ignore(): void {}

/**
 * One request on a model endpoint, from arrival until its response ends or its client leaves.
 * Every way a request can end passes through `settle` exactly once, so the stats add up:
 * answered (completed or failed), deliberately broken (failed), or abandoned by the client
 * before the end (aborted, detected by `close` on the response before we finished).
 */
export class Exchange {
  /** The connection is gone or the response is over: write nothing more. */
  closed = false;
  private settled = false;
  private model: string | undefined;
  private controller: AbortController | undefined;
  private readonly epoch: number;

  constructor(
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly stats: StatsRecorder,
  ) {
    this.epoch = stats.begin();
    response.on('error', ignore);
    response.once('close', () => {
      this.closed = true;
      this.controller?.abort();
      this.settle('aborted', 0, 0);
    });
  }

  /** Attribute the request to a model, once it is known. */
  identify(model: string): void {
    if (this.model !== undefined) return;
    this.model = model;
    this.stats.attach(this.epoch, model);
  }

  /** Aborted when the client leaves; created only for exchanges that wait. */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** Wait `ms` unless the client leaves first; true when the exchange should go on. */
  async pause(ms: number, sleep: Sleep): Promise<boolean> {
    if (ms > 0 && !this.closed) {
      try {
        await sleep(ms, this.signal);
      } catch {
        // An injected sleep may reject on abort; `closed` says what happened.
      }
    }
    return !this.closed;
  }

  /** 200 with a complete answer. */
  reply(body: string, inputTokens: number, outputTokens: number): void {
    this.send(200, body, 'completed', inputTokens, outputTokens, undefined);
  }

  /** 200 with a binary answer (audio), counted as `inputTokens` in. */
  replyBinary(body: Buffer, contentType: string, inputTokens: number): void {
    if (this.closed) return;
    this.settle('completed', inputTokens, 0);
    this.response.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
    this.response.end(body);
  }

  /** An error status with the format's error body. */
  reject(status: number, body: string, retryAfterSeconds?: number): void {
    this.send(status, body, 'failed', 0, 0, retryAfterSeconds);
  }

  /** 200 with a body no client can use (malformed or wrong-shape JSON): a failure in disguise. */
  corrupt(body: string): void {
    this.send(200, body, 'failed', 0, 0, undefined);
  }

  /** Destroy the connection without answering. */
  drop(): void {
    this.settle('failed', 0, 0);
    this.request.socket.destroy();
  }

  /** Write a stream, paced by `gapMs`, and either end it properly or cut it after `cutAfter` frames. */
  async stream(plan: StreamPlan, sleep: Sleep, outcome: 'completed' | 'failed' = 'completed'): Promise<void> {
    if (this.closed) return;
    const { frames, cutAfter } = plan;
    const response = this.response;
    response.writeHead(200, { 'content-type': plan.contentType, 'cache-control': 'no-cache' });
    if (cutAfter === undefined && plan.gapMs <= 0) {
      this.settle(outcome, plan.inputTokens, plan.outputTokens);
      response.end(frames.length === 1 ? frames[0] : frames.join(''));
      return;
    }
    if (cutAfter !== undefined && plan.gapMs <= 0) {
      this.settle('failed', 0, 0);
      response.write(frames.slice(0, cutAfter).join(''), () => this.cut());
      return;
    }
    const count = cutAfter ?? frames.length;
    for (let index = 0; index < count; index++) {
      if (index > 0 && !(await this.pause(plan.gapMs, sleep))) return;
      if (cutAfter !== undefined && index === count - 1) {
        this.settle('failed', 0, 0);
        response.write(frames[index], () => this.cut());
        return;
      }
      response.write(frames[index]);
    }
    this.settle(outcome, plan.inputTokens, plan.outputTokens);
    response.end();
  }

  private send(status: number, body: string, outcome: Outcome, inputTokens: number, outputTokens: number, retryAfterSeconds: number | undefined): void {
    if (this.closed) return;
    this.settle(outcome, inputTokens, outputTokens);
    const headers: Record<string, string | number> = { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) };
    if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
    this.response.writeHead(status, headers);
    this.response.end(body);
  }

  /** Wait for the written frames to leave, then kill the connection so the stream has no end. */
  private cut(): void {
    this.response.socket?.destroy();
  }

  private settle(outcome: Outcome, inputTokens: number, outputTokens: number): void {
    if (this.settled) return;
    this.settled = true;
    this.stats.end(this.epoch, this.model, outcome, inputTokens, outputTokens);
  }
}
