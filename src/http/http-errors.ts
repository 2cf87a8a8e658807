import { JunctionError, isJunctionError, toJunctionError } from '../errors';
import { invalidRequest } from './ingress/shared/invalid-request';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../wire/json-depth';

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
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new JunctionError('invalid_request', 'The Content-Type header is not a media type; send application/json.');
    case 'FST_ERR_BAD_URL':
      return new JunctionError('invalid_request', 'The request path is not valid percent-encoding.');
    default: {
      // Whatever else the framework refuses as the caller's fault is still the caller's fault.
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== undefined && status >= 400 && status < 500) return new JunctionError('invalid_request', message.slice(0, 200), { cause: error });
      return toJunctionError(error);
    }
  }
}

/** A body over `server.bodyLimitBytes`, whichever layer noticed. */
export function bodyTooLarge(): JunctionError {
  return new JunctionError('body_too_large', 'The request body is larger than this gateway accepts (server.bodyLimitBytes).');
}

/**
 * A request body (UTF-8 bytes) parsed as JSON, with Junction's errors. Bodies nested deeper
 * than {@link MAX_JSON_DEPTH} are refused first, before anything walks them.
 */
export function parseJsonBody(bytes: Buffer): unknown {
  if (nestsDeeperThan(bytes, MAX_JSON_DEPTH)) {
    throw invalidRequest([], `nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects, the most this gateway accepts`);
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw new JunctionError('invalid_json', 'The request body is empty; expected a JSON object.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new JunctionError('invalid_json', `The request body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
