import type { IncomingHttpHeaders } from 'node:http';
import type { WireFormat } from '../canonical/types';
import type { UnfinishedAt } from '../config/simulator-behaviour';
import type { Answer, ChatCall } from './reply';


/** A parsed request, or the reason it is a bad request (answered 400 in the format's shape). */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string; param?: string };

/** Where the request arrived: Gemini carries the model and streaming in the URL, not the body. */
export interface RouteInfo {
  /** Model from the path (Gemini). */
  model?: string;
  /** Streaming endpoint (Gemini `streamGenerateContent`). */
  stream?: boolean;
  /** Raw query string without the `?`. */
  query: string;
}

/** One input to embed. */
export interface EmbedInput {
  /** Text to hash (token arrays are joined into a key). */
  text: string;
  /** Known token count (OpenAI token-array inputs); otherwise counted from `text`. */
  tokenCount?: number;
  dimensions: number;
}

export interface EmbedCall {
  model: string;
  inputs: EmbedInput[];
  /** OpenAI `encoding_format: "base64"`. */
  base64: boolean;
}

/** An HTTP answer body with its status, ready to send. */
export interface ErrorAnswer {
  status: number;
  body: string;
}

/**
 * One wire format's side of the simulator: parse its requests, render its answers, streams and
 * errors. Dialects are pure string builders; the exchange does the I/O.
 */
export interface ChatDialect {
  readonly format: WireFormat;
  /** Whether the request carries `apiKey` the way this format sends credentials. */
  authorised(headers: IncomingHttpHeaders, route: RouteInfo, apiKey: string): boolean;
  parseChat(body: unknown, route: RouteInfo): ParseResult<ChatCall>;
  renderChat(answer: Answer): string;
  /**
   * The frames of a well-formed stream of `answer`, in order; joined they are the whole body.
   * With `unfinished`, the stream stops there and ends with the format's end marker but without
   * a finish reason or final usage (`ModelBehaviour.unfinishedStreamRate`).
   */
  streamFrames(answer: Answer, call: ChatCall, unfinished?: UnfinishedAt): string[];
  streamContentType(call: ChatCall): string;
  /** The format's error body for an HTTP status; `message` defaults to the format's usual text. */
  errorBody(status: number, message?: string, param?: string): string;
  contextLengthError(inputTokens: number, limit: number): ErrorAnswer;
  /** A stream whose single event is well-formed but has the wrong shape. */
  wrongShapeStream(call: ChatCall): string;
  /** A stream whose single event's data is truncated JSON. */
  malformedStream(call: ChatCall): string;
}

/** A format that also has an embeddings endpoint. */
export interface EmbeddingDialect extends ChatDialect {
  parseEmbed(body: unknown, route: RouteInfo): ParseResult<EmbedCall>;
  renderEmbed(call: EmbedCall, vectors: number[][], inputTokens: number): string;
}

/** Valid JSON that no client of any format would accept as an answer. */
export const WRONG_SHAPE_BODY = '{"ok":true}';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function badRequest<T>(message: string, param?: string): ParseResult<T> {
  return param === undefined ? { ok: false, message } : { ok: false, message, param };
}

/** First value of a header that may repeat. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Roughly half of a JSON text: certainly not parseable. */
export function truncateJson(json: string): string {
  return json.slice(0, Math.max(1, Math.floor(json.length / 2)));
}
