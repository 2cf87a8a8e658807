/**
 * Errors Node's HTTP parser raises before a request reaches any handler: bytes a header may not
 * hold, both Content-Length and Transfer-Encoding, headers over the size limit, a caller too
 * slow to send its headers or its body. Node would answer them with a bare status line; Junction
 * answers like every other error, in the caller's API error shape with `x-junction-error-code`,
 * written straight to the socket (there is no response object), then closes the connection.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { JunctionError } from '../errors';
import { ingressForPath } from './ingress/formats';
import { timeOrderedId } from '../gateway/request-id';

/** What Node hands to a `clientError` listener: its parser's code and, when known, the bytes it choked on. */
export interface ClientError extends Error {
  code?: string;
  reason?: string;
  /** A Buffer from Node (typed loosely, as some declarations have it). */
  rawPacket?: unknown;
}

/** The time limits named in a timeout's message. */
export interface ReceiveLimits {
  headersTimeoutMs: number;
  requestBodyTimeoutMs: number;
}

/** The error each socket was answered with, for the handler still reading that socket's body (its ledger row). */
const answered = new WeakMap<Socket, JunctionError>();

/** A `clientError` listener: answer in the API shape when the connection can still carry it, then close. */
export function answerClientError(error: ClientError, socket: Socket, limits: ReceiveLimits): void {
  if (socket.destroyed) return;
  const code = error.code ?? '';
  // Transport errors (reset, broken pipe) leave nobody to answer, and neither does a caller
  // that closed its side mid-request (the parser's "invalid EOF state"): it is a client_closed.
  const answerable = (code.startsWith('HPE_') && code !== 'HPE_INVALID_EOF_STATE') || code === 'ERR_HTTP_REQUEST_TIMEOUT';
  // Node keeps the response in progress here; once its headers are out, nothing more may be written.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse & { req?: IncomingMessage } })._httpMessage;
  if (!answerable || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const junctionError = clientErrorToJunction(error, inFlight !== undefined, limits);
  answered.set(socket, junctionError);
  socket.write(rawErrorResponse(junctionError, inFlight?.req?.url ?? requestPath(error.rawPacket)));
  // As Node does: the bytes are with the kernel by now, and the parser cannot go on from here.
  socket.destroy();
}

/** The error a socket was answered with by {@link answerClientError}, if it was. */
export function clientErrorOf(socket: Socket | null | undefined): JunctionError | undefined {
  return socket ? answered.get(socket) : undefined;
}

/** Node's parser error as a coded error; messages name the problem, never the bytes sent. */
export function clientErrorToJunction(error: ClientError, bodyStarted: boolean, limits: ReceiveLimits): JunctionError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new JunctionError(
        'client_timeout',
        bodyStarted
          ? `The request body did not arrive within ${limits.requestBodyTimeoutMs} ms of the request's start (server.requestBodyTimeoutMs).`
          : `The request headers did not arrive within ${limits.headersTimeoutMs} ms (server.headersTimeoutMs).`,
        { cause: error },
      );
    case 'HPE_HEADER_OVERFLOW':
      return new JunctionError('headers_too_large', 'The request headers are larger than this server accepts (16 KB unless Node is told otherwise).', { cause: error });
    default: {
      // llhttp's reasons are short fixed phrases ("Invalid header value char").
      const reason = typeof error.reason === 'string' ? error.reason.slice(0, 100) : 'malformed request';
      return new JunctionError('invalid_http', `The request is not valid HTTP/1.1: ${reason} (${error.code}).`, { cause: error });
    }
  }
}

/** A whole HTTP/1.1 response carrying `error` in the shape of the API at `path`, closing the connection. */
export function rawErrorResponse(error: JunctionError, path: string): string {
  const { status, body } = ingressForPath(path).renderError(error);
  const text = JSON.stringify(body);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    `x-request-id: ${timeOrderedId()}\r\n` +
    `x-junction-error-code: ${error.code}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(text)}\r\n` +
    'connection: close\r\n\r\n' +
    text
  );
}

/** The path of the request line at the start of `packet`, or '' when it does not start with one. */
function requestPath(packet: unknown): string {
  if (!Buffer.isBuffer(packet)) return '';
  const line = /^[A-Z]+ (\/[^ \r\n]*)/.exec(packet.subarray(0, 256).toString('latin1'));
  return line?.[1] ?? '';
}
