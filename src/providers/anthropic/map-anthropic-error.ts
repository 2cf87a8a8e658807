import { JunctionError, type ErrorCode } from '../../errors';
import { retryAfterMs } from '../retry-after';
import { anthropicErrorSchema, type AnthropicErrorBody } from './anthropic-api';

type Headers = Record<string, string | string[] | undefined>;

/** How Anthropic words "the prompt does not fit", e.g. `prompt is too long: 210000 tokens > 200000 maximum`. */
const CONTEXT_LENGTH_PATTERN = /prompt is too long|exceeds? (?:the )?context (?:limit|window)/i;

/** Error types of the body, for errors that arrive inside a 200 stream where no status tells them apart. */
const CODE_BY_ERROR_TYPE: Readonly<Record<string, ErrorCode>> = {
  invalid_request_error: 'upstream_bad_request',
  not_found_error: 'upstream_bad_request',
  request_too_large: 'upstream_bad_request',
  authentication_error: 'upstream_auth',
  permission_error: 'upstream_auth',
  // The account behind this deployment cannot pay; another deployment may still serve.
  billing_error: 'upstream_auth',
  rate_limit_error: 'upstream_rate_limited',
  timeout_error: 'upstream_timeout',
  api_error: 'upstream_server_error',
  overloaded_error: 'upstream_overloaded',
};

/** Classify a non-2xx answer of the Messages API (the `parseError` rules of the adapter port). */
export function parseAnthropicError(status: number, body: string, headers: Headers, now: number = Date.now()): JunctionError {
  const wire = readErrorBody(body);
  const upstreamMessage = wire?.error.message ?? snippet(body);
  const code = codeForStatus(status, wire);
  const label = wire === undefined ? `${status}` : `${status} ${wire.error.type}`;
  return new JunctionError(code, `Anthropic answered ${label}: ${upstreamMessage}`, {
    upstreamStatus: status,
    retryAfterMs: retryAfterMs(headers, now),
    ...(wire === undefined ? {} : { details: { upstreamErrorType: wire.error.type } }),
  });
}

/** Classify an `error` event received in the middle of a streamed answer. */
export function anthropicStreamError(wire: AnthropicErrorBody): JunctionError {
  const { type, message } = wire.error;
  return new JunctionError(codeForType(type, message), `Anthropic stream failed with ${type}: ${message}`, {
    details: { upstreamErrorType: type },
  });
}

function codeForStatus(status: number, wire: AnthropicErrorBody | undefined): ErrorCode {
  if (status === 400) return wire !== undefined && CONTEXT_LENGTH_PATTERN.test(wire.error.message) ? 'context_length_exceeded' : 'upstream_bad_request';
  if (status === 401 || status === 403 || status === 402) return 'upstream_auth';
  if (status === 408) return 'upstream_timeout';
  if (status === 429) return 'upstream_rate_limited';
  if (status === 503 || status === 529) return 'upstream_overloaded';
  if (status >= 500 && status <= 599) return wire?.error.type === 'overloaded_error' ? 'upstream_overloaded' : 'upstream_server_error';
  // 404, 413, 422 and the other 4xx: the request itself was refused.
  if (status >= 400 && status <= 499) return 'upstream_bad_request';
  return 'upstream_server_error';
}

function codeForType(type: string, message: string): ErrorCode {
  if (type === 'invalid_request_error' && CONTEXT_LENGTH_PATTERN.test(message)) return 'context_length_exceeded';
  return Object.hasOwn(CODE_BY_ERROR_TYPE, type) ? CODE_BY_ERROR_TYPE[type] : 'upstream_server_error';
}

function readErrorBody(body: string): AnthropicErrorBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = anthropicErrorSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Proxies answer with HTML pages; keep the message readable and the log line short. */
function snippet(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
