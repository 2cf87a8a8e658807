import { JunctionError } from '../../../errors';

/**
 * Render a path into a request body the way callers read it in docs: `messages[1].content`.
 * An empty path is the body itself.
 */
export function formatParamPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/**
 * The one way an ingress decoder rejects a body: code `invalid_request`, a message that starts
 * with the field path so it reads on its own in a log line, and `param` set to that same path
 * (absent when the body as a whole is wrong, which formats render as `param: null`).
 */
export function invalidRequest(path: readonly PropertyKey[], message: string): JunctionError {
  const param = formatParamPath(path);
  return new JunctionError('invalid_request', `${param === '' ? 'request body' : param}: ${message}`, {
    param: param === '' ? undefined : param,
  });
}
