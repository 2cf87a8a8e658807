/**
 * Classifying OpenAI-style upstream errors into Junction's catalogue: HTTP error answers,
 * `{"error":...}` chunks inside a stream, and error bodies sent with a 2xx status.
 */
import { JunctionError, type ErrorCode } from '../../errors';
import { retryAfterMs } from '../retry-after';
import { readOpenAIErrorDetail, type OpenAIErrorDetail } from './openai-api';

type Headers = Record<string, string | string[] | undefined>;

/** Classify a non-2xx answer; `body` is the raw text and may not be JSON. */
export function parseOpenAIError(label: string, status: number, body: string, headers: Headers): JunctionError {
  const detail = readOpenAIErrorDetail(parseJson(body));
  const code = classify(status, detail);
  const upstreamMessage = detail?.message ?? snippet(body);
  return new JunctionError(code, `${label} answered ${status}${upstreamMessage ? `: ${upstreamMessage}` : ''}`, {
    upstreamStatus: status,
    param: detail?.param ?? undefined,
    retryAfterMs: code === 'upstream_rate_limited' || code === 'upstream_overloaded' ? retryAfterMs(headers) : undefined,
  });
}

/**
 * Classify an error that arrived inside a 2xx answer (a stream chunk or a whole body). There is no
 * HTTP status to go by, so it is inferred from the error's numeric code or its type.
 */
export function openAIErrorFromBody(label: string, detail: OpenAIErrorDetail): JunctionError {
  const status = inferStatus(detail);
  return new JunctionError(classify(status, detail), `${label} reported an error: ${detail.message ?? 'no message'}`, {
    param: detail.param ?? undefined,
  });
}

function classify(status: number, detail: OpenAIErrorDetail | undefined): ErrorCode {
  const code = codeForStatus(status, detail);
  // llama.cpp reports an overfull context as 500 as well as 400, so look in both families.
  if ((code === 'upstream_bad_request' || code === 'upstream_server_error') && mentionsContextLength(detail)) {
    return 'context_length_exceeded';
  }
  return code;
}

function codeForStatus(status: number, detail: OpenAIErrorDetail | undefined): ErrorCode {
  // 402 is OpenRouter's "out of credits": like a bad key, the deployment cannot serve until fixed.
  if (status === 401 || status === 402 || status === 403) return 'upstream_auth';
  if (status === 408) return 'upstream_timeout';
  if (status === 429) {
    // OpenAI sends an exhausted billing quota as 429 too, but waiting will not help: treat it
    // as the account problem it is so the router moves on instead of backing off here.
    return detail?.code === 'insufficient_quota' ? 'upstream_auth' : 'upstream_rate_limited';
  }
  if (status === 503 || status === 529) return 'upstream_overloaded';
  if (status >= 500) return 'upstream_server_error';
  return 'upstream_bad_request';
}

const CONTEXT_LENGTH_CODES = new Set(['context_length_exceeded', 'exceed_context_size_error']);
// OpenAI and vLLM say "maximum context length" / "context length is only", llama.cpp says "context size".
const CONTEXT_LENGTH_TEXT = /context (length|size|window)/i;

function mentionsContextLength(detail: OpenAIErrorDetail | undefined): boolean {
  if (detail === undefined) return false;
  if (typeof detail.code === 'string' && CONTEXT_LENGTH_CODES.has(detail.code)) return true;
  if (typeof detail.type === 'string' && CONTEXT_LENGTH_CODES.has(detail.type)) return true;
  return CONTEXT_LENGTH_TEXT.test(detail.message ?? '');
}

const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  exceed_context_size_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  overloaded_error: 503,
};

function inferStatus(detail: OpenAIErrorDetail): number {
  if (typeof detail.code === 'number' && detail.code >= 400 && detail.code <= 599) return detail.code;
  if (detail.code === 'rate_limit_exceeded' || detail.code === 'insufficient_quota') return 429;
  if (detail.code === 'context_length_exceeded') return 400;
  if (typeof detail.type === 'string' && Object.hasOwn(STATUS_BY_TYPE, detail.type)) return STATUS_BY_TYPE[detail.type];
  return 500;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A short, single-line excerpt of a non-JSON body (an HTML error page from a proxy, say). */
function snippet(body: string): string {
  const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
