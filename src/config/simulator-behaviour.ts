/**
 * How a simulated upstream model behaves (the `simulator` section of the config and the
 * simulator's control API). Every field is optional; the defaults answer at once
 * with a short deterministic reply. Rates are probabilities in [0, 1], drawn per request from
 * the simulator's injected random source, checked in this order: down, hang, reset,
 * errorRates, malformedJson, wrongShape; then (streams only) midStreamCut, unfinishedStream.
 */
export interface LatencySpec {
  /** Median in milliseconds. */
  p50: number;
  /** 99th percentile in milliseconds; with p50 it fixes a lognormal distribution. Equal to p50 = constant. */
  p99: number;
}

/**
 * Where an unfinished stream stops: `start` before any chunk of the answer, `early` after the
 * opening and the first few words, `end` after the whole answer.
 */
export type UnfinishedAt = 'start' | 'early' | 'end';

export interface ModelBehaviour {
  /** Time before a non-streamed response is sent, or before the first streamed chunk. */
  latencyMs?: LatencySpec;
  /** Output token rate while streaming; 0 or absent sends all chunks at once. */
  tokensPerSecond?: number;
  /** Fixed reply text; absent gives a deterministic reply derived from the prompt. */
  reply?: string;
  /** Reply length in tokens when `reply` is absent (default 16). */
  replyTokens?: number;
  /** When the request offers tools (and tool choice allows), answer with a call to the first tool (default true). */
  callTools?: boolean;
  /** Answer every request with 503 (a deployment taken down). */
  down?: boolean;
  /** Probability per HTTP status code, e.g. `{ "500": 0.1, "429": 0.05 }`. */
  errorRates?: Record<string, number>;
  /** Retry-After seconds sent with 429 and 503 answers. */
  retryAfterSeconds?: number;
  /** Accept the request and never answer. */
  hangRate?: number;
  /** Destroy the connection without answering. */
  resetRate?: number;
  /** Answer 200 with a body that is not valid JSON. */
  malformedJsonRate?: number;
  /** Answer 200 with valid JSON of the wrong shape. */
  wrongShapeRate?: number;
  /** For streams: stop sending (and close the connection) after about half the chunks. */
  midStreamCutRate?: number;
  /**
   * For streams: end the stream the way a finished one ends (OpenAI `data: [DONE]`, Anthropic
   * `message_stop`, Gemini's clean end of body) but without any finish reason or final usage,
   * so only a client that checks for the finish can tell it was cut short.
   */
  unfinishedStreamRate?: number;
  /** Where an unfinished stream stops (default `end`). */
  unfinishedStreamAt?: UnfinishedAt;
  /** Reject prompts whose token count exceeds this with the format's context-length error. */
  contextWindow?: number;
}
