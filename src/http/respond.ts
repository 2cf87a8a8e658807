/**
 * Plain node:http reading and writing for the API endpoints, which bypass the web framework:
 * on a path that costs a few hundred microseconds, a framework's hooks, reply objects and
 * serialisers are a large share of it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { JunctionError, toJunctionError } from '../core/errors';
import { outcomeOfError, type Outcome } from '../gateway/gateway';
import { bodyTooLarge, parseJsonBody } from './http-errors';
import type { ChatIngress } from './ingress/formats';
import { timeOrderedId } from './request-id';

const JSON_TYPE = 'application/json; charset=utf-8';

/** The caller's x-request-id when it is usable, else a fresh, time-ordered one. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : timeOrderedId();
}

/**
 * The request body parsed as JSON. Bodies over `limitBytes` are refused as soon as that is known
 * (from Content-Length, or while reading) and the rest is discarded unread.
 */
export function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (declared > limitBytes) {
      request.resume();
      return reject(bodyTooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        chunks.length = 0;
        request.removeAllListeners('data');
        request.removeAllListeners('end');
        request.resume();
        reject(bodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      try {
        resolve(parseJsonBody(body.toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    // The caller hung up before sending the whole body: its request still gets a ledger row.
    request.on('error', (error) => reject(new JunctionError('client_closed', `the client closed the connection while sending the body (${error.message})`, { cause: error })));
  });
}

/** Write a whole JSON answer (already serialised); adds content-type and content-length to `headers`, which it owns. */
export function sendJson(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  headers['content-type'] = JSON_TYPE;
  headers['content-length'] = String(Buffer.byteLength(body));
  response.writeHead(status, headers);
  response.end(body);
}

/** Render an error in the caller's format, with the routing outcome when the gateway attached one. */
export function sendError(response: ServerResponse, ingress: ChatIngress, thrown: unknown, requestId: string): void {
  if (response.headersSent || response.destroyed) return;
  const error = toJunctionError(thrown);
  const outcome = outcomeOfError(thrown);
  const headers = outcome ? outcomeHeaders(outcome, requestId) : { 'x-request-id': requestId };
  headers['x-junction-error-code'] = error.code;
  if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
  // A refused body was left unread: close the connection rather than read on.
  if (error.code === 'body_too_large') headers.connection = 'close';
  const { status, body } = ingress.renderError(error);
  sendJson(response, status, headers, JSON.stringify(body));
}

/** Response headers that say how the request was routed. */
export function outcomeHeaders(outcome: Outcome, requestId: string): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': requestId, 'x-junction-route': outcome.route };
  if (outcome.strategy) headers['x-junction-strategy'] = outcome.strategy;
  if (outcome.deployment) headers['x-junction-deployment'] = outcome.deployment;
  headers['x-junction-attempts'] = String(outcome.attempts);
  if (outcome.tier) headers['x-junction-fallback-tier'] = outcome.tier;
  if (outcome.hedge) headers['x-junction-hedge'] = outcome.hedge;
  if (outcome.variant) headers['x-junction-variant'] = outcome.variant;
  if (outcome.costUsd !== undefined) headers['x-junction-cost-usd'] = outcome.costUsd.toFixed(8);
  return headers;
}
