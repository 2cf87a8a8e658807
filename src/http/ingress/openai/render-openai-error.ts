import type { ErrorCode, ErrorKind, JunctionError } from '../../../errors';

/** The `error` object of an OpenAI error body; the openai clients expose its fields on APIError. */
export interface OpenAIErrorObject {
  message: string;
  type: string;
  param: string | null;
  /** The catalogue code, as it is (`error.code` on the openai clients' APIError). */
  code: ErrorCode;
  /** Junction's structured extras (e.g. the attempts made); absent when there are none. */
  details?: Record<string, unknown>;
}

/**
 * OpenAI's error `type` per kind. OpenAI reports unknown models as `invalid_request_error` with
 * status 404 and its server-side failures as `server_error`, whatever the cause.
 */
const ERROR_TYPES: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'invalid_request_error',
  too_large: 'invalid_request_error',
  rate_limit: 'rate_limit_error',
  upstream: 'server_error',
  overloaded: 'server_error',
  timeout: 'server_error',
  internal: 'server_error',
};

/** The error object alone, for in-stream errors (`data: {"error": ...}`). */
export function toOpenAIErrorObject(error: JunctionError): OpenAIErrorObject {
  return {
    message: error.message,
    type: ERROR_TYPES[error.kind],
    param: error.param ?? null,
    code: error.code,
    ...(error.details === undefined ? {} : { details: error.details }),
  };
}

/** A JunctionError as an OpenAI error response: Junction's status, OpenAI's body shape. */
export function renderOpenAIError(error: JunctionError): { status: number; body: { error: OpenAIErrorObject } } {
  return { status: error.status, body: { error: toOpenAIErrorObject(error) } };
}
