/**
 * Junction's error catalogue. Every error that reaches a caller or a log carries a stable
 * string code from this table; each ingress format renders it in its own error shape.
 * docs/errors.md lists the same codes, and a test keeps the two in step.
 */

/** What kind of party caused the error; ingress formats map this onto their own error types. */
export type ErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'too_large'
  | 'rate_limit'
  | 'upstream'
  | 'overloaded'
  | 'timeout'
  | 'internal';

export interface ErrorSpec {
  status: number;
  kind: ErrorKind;
  /** May another attempt (same or other deployment) succeed? */
  retryable: boolean;
  description: string;
}

export const ERROR_CATALOGUE = {
  invalid_json: { status: 400, kind: 'invalid_request', retryable: false, description: 'The request body is not valid JSON.' },
  invalid_request: { status: 400, kind: 'invalid_request', retryable: false, description: 'The request body does not match the API schema; the message names the field.' },
  body_too_large: { status: 413, kind: 'too_large', retryable: false, description: 'The request body is larger than the configured limit.' },
  invalid_http: { status: 400, kind: 'invalid_request', retryable: false, description: 'The request is not valid HTTP/1.1 (bytes a header may not hold, both Content-Length and Transfer-Encoding, a malformed request line); the connection is closed.' },
  headers_too_large: { status: 431, kind: 'too_large', retryable: false, description: 'The request headers are larger than the server accepts (16 KB, Node\'s default); the connection is closed.' },
  client_timeout: { status: 408, kind: 'invalid_request', retryable: false, description: 'The caller did not send its request headers within server.headersTimeoutMs, or the whole request within server.requestBodyTimeoutMs; the connection is closed.' },
  model_not_found: { status: 404, kind: 'not_found', retryable: false, description: 'No route has the requested model name.' },
  endpoint_not_found: { status: 404, kind: 'not_found', retryable: false, description: 'No such HTTP endpoint.' },
  audio_format_unsupported: { status: 400, kind: 'invalid_request', retryable: false, description: 'No deployment of the speech route can produce the requested `response_format`; the message names the formats it serves.' },
  capability_unsupported: { status: 400, kind: 'invalid_request', retryable: false, description: 'No deployment of the route supports what the request needs (tools, embeddings, streaming, context length).' },
  upstream_bad_request: { status: 400, kind: 'invalid_request', retryable: false, description: 'The upstream rejected the request as malformed (its 400/404/422).' },
  context_length_exceeded: { status: 400, kind: 'invalid_request', retryable: true, description: 'The prompt is longer than the deployment\'s context window; a larger deployment may serve it.' },
  upstream_auth: { status: 502, kind: 'upstream', retryable: true, description: 'The upstream refused Junction\'s credentials (401/403): the deployment is misconfigured.' },
  upstream_rate_limited: { status: 429, kind: 'rate_limit', retryable: true, description: 'The upstream answered 429; Retry-After is honoured.' },
  upstream_server_error: { status: 502, kind: 'upstream', retryable: true, description: 'The upstream answered 5xx.' },
  upstream_overloaded: { status: 503, kind: 'overloaded', retryable: true, description: 'The upstream said it is overloaded (503/529).' },
  upstream_timeout: { status: 504, kind: 'timeout', retryable: true, description: 'The upstream did not answer within the attempt timeout.' },
  upstream_connection: { status: 502, kind: 'upstream', retryable: true, description: 'The connection to the upstream failed (refused, reset, closed early).' },
  upstream_bad_response: { status: 502, kind: 'upstream', retryable: true, description: 'The upstream answered 2xx with malformed JSON or the wrong shape.' },
  upstream_stream_truncated: { status: 502, kind: 'upstream', retryable: true, description: 'The upstream stream ended without a proper finish.' },
  all_deployments_failed: { status: 503, kind: 'overloaded', retryable: false, description: 'Every deployment of the route was tried and failed; the message lists each attempt.' },
  request_timeout: { status: 504, kind: 'timeout', retryable: false, description: 'The request\'s overall deadline passed.' },
  attempt_cancelled: { status: 499, kind: 'internal', retryable: false, description: 'A hedged attempt lost the race to another and was cancelled.' },
  client_closed: { status: 499, kind: 'invalid_request', retryable: false, description: 'The caller disconnected before the response was complete.' },
  missing_api_key: { status: 401, kind: 'authentication', retryable: false, description: 'No API key was sent (`Authorization: Bearer <key>` or `x-api-key: <key>`) and the gateway requires one.' },
  invalid_api_key: { status: 401, kind: 'authentication', retryable: false, description: 'The API key is not one this gateway knows.' },
  api_key_revoked: { status: 401, kind: 'authentication', retryable: false, description: 'The API key was revoked.' },
  api_key_expired: { status: 401, kind: 'authentication', retryable: false, description: 'The API key is past its expiry (or the grace period after a rotation ended).' },
  permission_denied: { status: 403, kind: 'permission', retryable: false, description: 'The API key lacks the scope this endpoint needs, or may not use this route.' },
  rate_limit_exceeded: { status: 429, kind: 'rate_limit', retryable: false, description: 'A rate limit (requests or tokens per minute or day, or requests in flight) of the key, team, route or gateway is reached; the message names it, Retry-After says when to try again.' },
  budget_exceeded: { status: 429, kind: 'rate_limit', retryable: false, description: 'A spending budget of the key, team, route, provider or gateway would be exceeded by this request; the message names it. Not retried by the official clients (`x-should-retry: false`).' },
  queue_full: { status: 429, kind: 'rate_limit', retryable: true, description: 'The route or deployment is at its concurrency limit and its waiting queue is full (or a higher-priority request took this one\'s place); another deployment may have room.' },
  queue_timeout: { status: 503, kind: 'overloaded', retryable: false, description: 'The request waited for a free slot at a saturated route or deployment until its deadline passed.' },
  limits_unavailable: { status: 503, kind: 'overloaded', retryable: false, description: 'The shared limit store (Redis) did not answer in time, and the gateway is set to refuse requests it cannot count (`limits.onStoreDown`).' },
  config_invalid: { status: 422, kind: 'invalid_request', retryable: false, description: 'The config did not validate (or could not be read), so it was not reloaded; the running config stays.' },
  conflict: { status: 409, kind: 'invalid_request', retryable: false, description: 'What the request would create exists already (a key or team with that id, a key with that hash).' },
  key_not_found: { status: 404, kind: 'not_found', retryable: false, description: 'No key has that id.' },
  request_not_found: { status: 404, kind: 'not_found', retryable: false, description: 'No auto-routed request with that id is remembered (feedback must name a recent auto-routed request of the caller).' },
  team_not_found: { status: 404, kind: 'not_found', retryable: false, description: 'No team has that id.' },
  file_not_found: { status: 404, kind: 'not_found', retryable: false, description: 'No file with that id belongs to the caller (Batch API).' },
  batch_not_found: { status: 404, kind: 'not_found', retryable: false, description: 'No batch with that id belongs to the caller (Batch API).' },
  access_store_unavailable: { status: 503, kind: 'overloaded', retryable: false, description: 'The access store (keys, teams, audit log) cannot be reached or did not answer in time.' },
  no_usable_source: { status: 503, kind: 'overloaded', retryable: false, description: 'The data-source router has no usable source for the metric (all stale, open, invalid or too few) and cannot give a synthetic value (not allowed, no history, or past the synthetic horizon); the message says which.' },
  shutting_down: { status: 503, kind: 'overloaded', retryable: false, description: 'Junction is shutting down and takes no new requests.' },
  internal_error: { status: 500, kind: 'internal', retryable: false, description: 'A bug in Junction.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface JunctionErrorOptions {
  cause?: unknown;
  /** The request field at fault, as a path like `messages[0].content`. */
  param?: string;
  /** Milliseconds the upstream asked us to wait (Retry-After), if any. */
  retryAfterMs?: number;
  /** HTTP status the upstream answered, if any. */
  upstreamStatus?: number;
  /** Overrides the catalogue's status (e.g. to pass an upstream 404 through). */
  status?: number;
  /** Extra structured detail rendered to the caller (e.g. the attempts made). */
  details?: Record<string, unknown>;
}

/** The one error type Junction raises on purpose. */
export class JunctionError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly param?: string;
  readonly retryAfterMs?: number;
  readonly upstreamStatus?: number;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: JunctionErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const spec: ErrorSpec = ERROR_CATALOGUE[code];
    this.name = 'JunctionError';
    this.code = code;
    this.status = options.status ?? spec.status;
    this.kind = spec.kind;
    this.retryable = spec.retryable;
    this.param = options.param;
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamStatus = options.upstreamStatus;
    this.details = options.details;
  }
}

export function isJunctionError(error: unknown): error is JunctionError {
  return error instanceof JunctionError;
}

/** Wrap anything thrown into a JunctionError, keeping the original as `cause`. */
export function toJunctionError(error: unknown): JunctionError {
  if (error instanceof JunctionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new JunctionError('internal_error', message, { cause: error });
}
