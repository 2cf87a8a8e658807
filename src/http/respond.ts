/**
 * Plain node:http reading and writing for the API endpoints, which bypass the web framework:
 * on a path that costs a few hundred microseconds, a framework's hooks, reply objects and
 * serialisers are a large share of it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { JunctionError, toJunctionError } from '../errors';
import { outcomeOfError, type Outcome } from '../gateway/account';
import { clientErrorOf } from './client-error';
import { bodyTooLarge, parseJsonBody } from './http-errors';
import type { ChatIngress } from './ingress/formats';
import { timeOrderedId } from '../gateway/request-id';

const JSON_TYPE = 'application/json; charset=utf-8';

/** The caller's x-request-id when it is usable, else a fresh, time-ordered one. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : timeOrderedId();
}

/**
 * Reads the request body and parses it as JSON, then calls `onBody` with it or `onError` with
 * why not: exactly one of them, once. Bodies over `limitBytes` are refused as soon as that is
 * known (from Content-Length, or while reading) and the rest is discarded unread. Callbacks
 * rather than a promise: this runs once per request, and a promise would add a job to the
 * microtask queue between the last byte and the handler.
 */
export function readJsonBody(request: IncomingMessage, limitBytes: number, onBody: (body: unknown) => void, onError: (error: unknown) => void): void {
  const declared = Number(request.headers['content-length']);
  if (declared > limitBytes) {
    request.resume();
    return onError(bodyTooLarge());
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    onError(error);
  };
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limitBytes) {
      chunks.length = 0;
      request.removeAllListeners('data');
      request.removeAllListeners('end');
      request.resume();
      fail(bodyTooLarge());
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    if (settled) return;
    const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    let body: unknown;
    try {
      body = parseJsonBody(bytes);
    } catch (error) {
      return fail(error);
    }
    settled = true;
    onBody(body);
  });
  // The caller hung up before sending the whole body, or was cut off for sending it too slowly:
  // its request still gets a ledger row, with the reason the connection was answered with.
  request.on('error', (error) =>
    fail(clientErrorOf(request.socket) ?? new JunctionError('client_closed', `the client closed the connection while sending the body (${error.message})`, { cause: error })),
  );
}

/** Write a whole JSON answer (already serialised); adds content-type and content-length to `headers`, which it owns. */
export function sendJson(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  headers['content-type'] = JSON_TYPE;
  headers['content-length'] = String(Buffer.byteLength(body));
  response.writeHead(status, headers);
  response.end(body);
}

/**
 * Render an error in the caller's format, with the routing outcome when the gateway attached one
 * and the headers the stages added (`extra`: rate-limit headroom, `x-should-retry`).
 */
export function sendError(response: ServerResponse, ingress: ChatIngress, thrown: unknown, requestId: string, extra?: Record<string, string>): void {
  if (response.headersSent || response.destroyed) return;
  const error = toJunctionError(thrown);
  const outcome = outcomeOfError(thrown);
  // An unknown model is the caller's text, not a route: it has no place in a header (it may not even fit in one).
  const headers = outcome && error.code !== 'model_not_found' ? outcomeHeaders(outcome, requestId) : { 'x-request-id': requestId };
  if (extra) Object.assign(headers, extra);
  headers['x-junction-error-code'] = error.code;
  if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
  // A refused body was left unread: close the connection rather than read on.
  if (error.code === 'body_too_large') headers.connection = 'close';
  const { status, body } = ingress.renderError(error);
  sendJson(response, status, headers, JSON.stringify(body));
}

/**
 * Response headers that say how the request was routed, after those the stages added (`extra`);
 * `outcome.route` must be a configured route.
 */
export function outcomeHeaders(outcome: Outcome, requestId: string, extra?: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  // Copied name by name: `{ ...extra }` and then the headers below cost about 13 µs on Node 20
  // (V8 takes a slow path adding properties to the spread copy), this about 0.4.
  if (extra) for (const name in extra) headers[name] = extra[name]!;
  headers['x-request-id'] = requestId;
  headers['x-junction-route'] = outcome.route;
  if (outcome.strategy) headers['x-junction-strategy'] = outcome.strategy;
  if (outcome.deployment) headers['x-junction-deployment'] = outcome.deployment;
  headers['x-junction-attempts'] = String(outcome.attempts);
  if (outcome.tier) headers['x-junction-fallback-tier'] = outcome.tier;
  if (outcome.hedge) headers['x-junction-hedge'] = outcome.hedge;
  if (outcome.variant) headers['x-junction-variant'] = outcome.variant;
  if (outcome.cached) headers['x-junction-cache'] = 'hit';
  if (outcome.costUsd !== undefined) headers['x-junction-cost-usd'] = outcome.costUsd.toFixed(8);
  return headers;
}
