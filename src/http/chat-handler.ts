/**
 * POST /v1/chat/completions and POST /v1/messages: decode the caller's format, run the
 * gateway, encode the answer (or the error) back in the same format.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toJunctionError } from '../core/errors';
import { outcomeOfError, type Gateway, type Outcome, type RequestContext } from '../gateway/gateway';
import { hintsFromHeaders } from '../gateway/routing-hints';
import type { ChatIngress } from './ingress/formats';
import { SseSink } from './sse-sink';

export function createChatHandler(gateway: Gateway, ingress: ChatIngress) {
  return async function handleChat(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const context = requestContext(request, reply, ingress);
    let decoded;
    try {
      decoded = ingress.decode(request.body);
    } catch (error) {
      gateway.recordRejected(context, 'chat', modelOf(request.body), toJunctionError(error));
      return sendError(reply, ingress, error);
    }
    const { request: chat, includeUsage } = decoded;
    if (!chat.stream) {
      try {
        const { response, outcome } = await gateway.chat(chat, context);
        reply.headers(outcomeHeaders(outcome)).send(ingress.encode(response, chat.model));
      } catch (error) {
        sendError(reply, ingress, error);
      }
      return;
    }
    // Streams write to the raw response themselves, so fastify steps aside for them.
    reply.hijack();
    const sink = new SseSink(reply.raw, ingress.streamEncoder(chat.model, includeUsage), (info) => ({
      'x-request-id': context.requestId,
      'x-junction-route': chat.model,
      'x-junction-deployment': info.deployment,
      ...(info.tier === 'primary' ? {} : { 'x-junction-fallback-tier': info.tier }),
    }), { format: ingress.format, includeUsage });
    try {
      await gateway.chatStream(chat, context, sink);
      sink.end();
    } catch (error) {
      if (sink.begun) sink.fail(toJunctionError(error));
      else writeRawError(reply, ingress, error, context.requestId);
    }
  };
}

/** The model a malformed body asked for, if it says, for the ledger row of a rejected request. */
export function modelOf(body: unknown): string {
  const model = (body as { model?: unknown } | null)?.model;
  return typeof model === 'string' ? model.slice(0, 200) : '';
}

/** Request id, caller's wire format, and a signal that fires when the caller goes away. */
export function requestContext(request: FastifyRequest, reply: FastifyReply, ingress: ChatIngress): RequestContext {
  const disconnect = new AbortController();
  // 'close' on the response fires both on normal completion and on a dropped connection;
  // only the latter (response not finished) means the caller left.
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) disconnect.abort('client');
  });
  const hints = hintsFromHeaders(request.headers);
  return { requestId: String(request.id), ingress: ingress.format, signal: disconnect.signal, ...(Object.keys(hints).length ? { hints } : {}) };
}

export function sendError(reply: FastifyReply, ingress: ChatIngress, thrown: unknown): void {
  const error = toJunctionError(thrown);
  const outcome = outcomeOfError(thrown);
  if (outcome) reply.headers(outcomeHeaders(outcome));
  if (error.retryAfterMs !== undefined) reply.header('retry-after', String(Math.ceil(error.retryAfterMs / 1000)));
  const { status, body } = ingress.renderError(error);
  reply.code(status).header('x-junction-error-code', error.code).send(body);
}

/** sendError for a hijacked reply: fastify no longer serialises for us. */
function writeRawError(reply: FastifyReply, ingress: ChatIngress, thrown: unknown, requestId: string): void {
  const error = toJunctionError(thrown);
  if (reply.raw.destroyed) return;
  const outcome = outcomeOfError(thrown);
  const { status, body } = ingress.renderError(error);
  reply.raw.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-request-id': requestId,
    'x-junction-error-code': error.code,
    ...(outcome ? outcomeHeaders(outcome) : {}),
    ...(error.retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(error.retryAfterMs / 1000)) } : {}),
  });
  reply.raw.end(JSON.stringify(body));
}

export function outcomeHeaders(outcome: Outcome): Record<string, string> {
  return {
    'x-junction-route': outcome.route,
    ...(outcome.strategy ? { 'x-junction-strategy': outcome.strategy } : {}),
    ...(outcome.deployment ? { 'x-junction-deployment': outcome.deployment } : {}),
    'x-junction-attempts': String(outcome.attempts),
    ...(outcome.tier ? { 'x-junction-fallback-tier': outcome.tier } : {}),
    ...(outcome.hedge ? { 'x-junction-hedge': outcome.hedge } : {}),
    ...(outcome.variant ? { 'x-junction-variant': outcome.variant } : {}),
    ...(outcome.costUsd !== undefined ? { 'x-junction-cost-usd': outcome.costUsd.toFixed(8) } : {}),
  };
}

