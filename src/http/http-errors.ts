import { JunctionError, isJunctionError, toJunctionError } from '../errors';

/** Map errors raised by the HTTP framework (body limit, JSON parsing) onto Junction's catalogue. */
export function fromFrameworkError(error: unknown): JunctionError {
  if (isJunctionError(error)) return error;
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new JunctionError('invalid_json', 'The request body is empty; expected a JSON object.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new JunctionError('invalid_json', `The request body is not valid JSON: ${message}`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new JunctionError('invalid_request', 'The Content-Length header does not match the body.');
    default:
      return toJunctionError(error);
  }
}

/** A body over `server.bodyLimitBytes`, whichever layer noticed. */
export function bodyTooLarge(): JunctionError {
  return new JunctionError('body_too_large', 'The request body is larger than this gateway accepts (server.bodyLimitBytes).');
}

/** JSON.parse with Junction's error on failure. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new JunctionError('invalid_json', 'The request body is empty; expected a JSON object.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new JunctionError('invalid_json', `The request body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
