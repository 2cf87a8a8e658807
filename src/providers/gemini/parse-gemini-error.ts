import { JunctionError, type ErrorCode } from '../../errors';
import { retryAfterMs } from '../retry-after';
import { geminiErrorBodySchema, type GeminiErrorBody } from './gemini-api';

type Headers = Record<string, string | string[] | undefined>;

/** HTTP status of each canonical gRPC code, for in-stream errors that carry no `code`. */
const STATUS_OF_GRPC_CODE: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

// "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576)."
const CONTEXT_LENGTH = /token count.*exceeds the maximum|exceeds the maximum number of tokens|too many (input )?tokens/i;

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

/**
 * Classify a non-2xx Gemini answer by the rules of the adapter port. Gemini quirks handled:
 * an invalid API key is a 400 `INVALID_ARGUMENT` whose `ErrorInfo` says `API_KEY_INVALID`
 * (→ `upstream_auth`, not the caller's fault); a 429 may say how long to wait in a
 * `RetryInfo` detail (used when no Retry-After header is present); error bodies sometimes come
 * wrapped in a one-element array. Non-JSON bodies classify by status alone.
 */
export function parseGeminiError(status: number, body: string, headers: Headers, now: number = Date.now()): JunctionError {
  const parsed = readErrorBody(parseJson(body));
  const message = parsed?.error.message ?? (body.trim().slice(0, 300) || `HTTP ${status}`);
  return classify(status, parsed, message, retryAfterMs(headers, now));
}

/**
 * The coded error for an `{ error: … }` object met where a response was expected (a streamed
 * chunk or a 200 body); undefined when `value` is no such object. The status comes from the
 * error's own `code`, or its gRPC status name.
 */
export function geminiErrorFromObject(value: unknown): JunctionError | undefined {
  const parsed = readErrorBody(value);
  if (parsed === undefined) return undefined;
  const { code, status: grpcCode, message } = parsed.error;
  const status = code ?? (grpcCode !== undefined && Object.hasOwn(STATUS_OF_GRPC_CODE, grpcCode) ? STATUS_OF_GRPC_CODE[grpcCode] : 500);
  return classify(status, parsed, message ?? `Gemini error ${grpcCode ?? status}`, undefined);
}

function classify(status: number, parsed: GeminiErrorBody | undefined, message: string, headerDelayMs: number | undefined): JunctionError {
  const grpcCode = parsed?.error.status;
  const details = parsed?.error.details ?? [];
  const code = errorCode(status, message, details.some((detail) => detail['@type'] === ERROR_INFO && detail.reason === 'API_KEY_INVALID'));
  const delayMs = headerDelayMs ?? retryInfoDelayMs(details);
  const text = `Gemini answered ${status}${grpcCode === undefined ? '' : ` ${grpcCode}`}: ${message}`;
  const waits = code === 'upstream_rate_limited' || code === 'upstream_overloaded';
  return new JunctionError(code, text, { upstreamStatus: status, ...(waits && delayMs !== undefined ? { retryAfterMs: delayMs } : {}) });
}

function errorCode(status: number, message: string, apiKeyInvalid: boolean): ErrorCode {
  if (status === 401 || status === 403 || apiKeyInvalid) return 'upstream_auth';
  if (status === 429) return 'upstream_rate_limited';
  if (status === 503 || status === 529) return 'upstream_overloaded';
  if (status >= 500) return 'upstream_server_error';
  if (status === 408) return 'upstream_timeout';
  if ((status === 400 || status === 413) && CONTEXT_LENGTH.test(message)) return 'context_length_exceeded';
  if (status >= 400) return 'upstream_bad_request';
  // A non-error status handed to the error parser: whatever it was, it was not a valid answer.
  return 'upstream_bad_response';
}

/** Milliseconds from a `RetryInfo.retryDelay` Duration such as `"30s"` or `"0.5s"`. */
export function retryInfoDelayMs(details: ReadonlyArray<{ '@type'?: string; retryDelay?: string }>): number | undefined {
  const delay = details.find((detail) => detail['@type'] === RETRY_INFO)?.retryDelay;
  const seconds = delay === undefined ? undefined : /^(\d+(?:\.\d+)?)s$/.exec(delay.trim())?.[1];
  return seconds === undefined ? undefined : Math.round(Number(seconds) * 1000);
}

function readErrorBody(value: unknown): GeminiErrorBody | undefined {
  const candidate = Array.isArray(value) && value.length === 1 ? value[0] : value;
  const result = geminiErrorBodySchema.safeParse(candidate);
  return result.success ? result.data : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
