import type { ErrorCode, ErrorKind, JunctionError } from '../../../errors';

/**
 * The `error` object of an Anthropic error body. Anthropic's own errors that have a stable code
 * carry it as `details.error_code`, and the official clients expose that as `errorCode` on
 * APIError (and `details` as `details`), so Junction's code goes there too; its structured
 * extras (e.g. the attempts made) sit beside it.
 */
export interface AnthropicErrorObject {
  type: string;
  message: string;
  details: { error_code: ErrorCode } & Record<string, unknown>;
}

export interface AnthropicErrorBody {
  type: 'error';
  error: AnthropicErrorObject;
}

/**
 * Anthropic's documented error types per kind. Anthropic's own overloaded status is 529; the
 * status here stays Junction's (503) since callers may not know 529, and the type says it.
 */
const ERROR_TYPES: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  upstream: 'api_error',
  overloaded: 'overloaded_error',
  timeout: 'api_error',
  internal: 'api_error',
};

/** The error body alone, for the in-stream `error` event. */
export function toAnthropicErrorBody(error: JunctionError): AnthropicErrorBody {
  return {
    type: 'error',
    error: {
      type: ERROR_TYPES[error.kind],
      message: error.message,
      details: { error_code: error.code, ...error.details },
    },
  };
}

/** A JunctionError as an Anthropic error response: Junction's status, Anthropic's body shape. */
export function renderAnthropicError(error: JunctionError): { status: number; body: AnthropicErrorBody } {
  return { status: error.status, body: toAnthropicErrorBody(error) };
}
