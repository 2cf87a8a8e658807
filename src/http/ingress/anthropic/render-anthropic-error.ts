import type { ErrorKind, JunctionError } from '../../../errors';

/** The `error` object of an Anthropic error body; the Anthropic clients read `type` and `message`. */
export interface AnthropicErrorObject {
  type: string;
  message: string;
  /** Junction's structured extras (e.g. the attempts made); absent when there are none. */
  details?: Record<string, unknown>;
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
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
}

/** A JunctionError as an Anthropic error response: Junction's status, Anthropic's body shape. */
export function renderAnthropicError(error: JunctionError): { status: number; body: AnthropicErrorBody } {
  return { status: error.status, body: toAnthropicErrorBody(error) };
}
