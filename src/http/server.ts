/**
 * The HTTP surface: OpenAI- and Anthropic-compatible APIs plus health, readiness and metrics.
 * Every error, including the framework's own (body too large, bad JSON, unknown path), is
 * rendered in the caller's API error shape.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { JunctionError, toJunctionError } from '../core/errors';
import type { Gateway } from '../gateway/gateway';
import type { Metrics } from '../observability/metrics';
import { createChatHandler, modelOf, outcomeHeaders, requestContext, sendError } from './chat-handler';
import { fromFrameworkError, parseJsonBody } from './http-errors';
import { anthropicIngress, ingressForPath, openaiIngress } from './ingress/formats';
import { registerRoutingApi } from './routing-api';
import { decodeOpenAIEmbeddings, encodeOpenAIEmbeddings } from './ingress/openai/openai-embeddings';
import { encodeOpenAIModelList } from './ingress/openai/openai-models';

export interface ServerOptions {
  gateway: Gateway;
  metrics: Metrics;
  bodyLimitBytes: number;
  /** False while starting or shutting down; drives GET /ready. */
  isReady: () => boolean;
  /** True once a graceful stop began: new API requests are refused with a 503. */
  isShuttingDown?: () => boolean;
}

/** API paths whose requests belong in the ledger, even when refused. */
const API_ENDPOINTS: Record<string, 'chat' | 'embeddings'> = {
  '/v1/chat/completions': 'chat',
  '/v1/messages': 'chat',
  '/v1/embeddings': 'embeddings',
};

export function buildServer(options: ServerOptions): FastifyInstance {
  const { gateway, metrics } = options;
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes,
    // Request logs come from gateway events (one line per request with tokens and cost).
    logger: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : randomUUID();
    },
    // Idle keep-alive sockets are closed on shutdown; in-flight requests finish first.
    forceCloseConnections: 'idle',
    // Requests arriving while we shut down get a 503 in their own format and a ledger row (below).
    return503OnClosing: false,
  });

  // Callers (curl without -H, some SDKs) do not always say application/json; every API body is JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (options.isShuttingDown?.() && API_ENDPOINTS[request.url.split('?')[0]]) {
      reject(request, reply, new JunctionError('shutting_down', 'Junction is shutting down; retry on another replica'));
      return reply;
    }
  });

  /** Render a refusal in the caller's format; API requests also get their ledger row. */
  function reject(request: FastifyRequest, reply: FastifyReply, error: JunctionError): void {
    const ingress = ingressForPath(request.url);
    const endpoint = API_ENDPOINTS[request.url.split('?')[0]];
    if (endpoint) gateway.recordRejected(requestContext(request, reply, ingress), endpoint, modelOf(request.body), error);
    sendError(reply, ingress, error);
  }

  app.setErrorHandler((error, request, reply) => {
    reject(request, reply, fromFrameworkError(error));
  });
  app.setNotFoundHandler((request, reply) => {
    sendError(reply, ingressForPath(request.url), new JunctionError('endpoint_not_found', `No endpoint ${request.method} ${request.url.split('?')[0]}`));
  });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const ready = options.isReady();
    reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType).send(await metrics.render());
  });

  const startedAt = Math.floor(Date.now() / 1000);
  registerRoutingApi(app, gateway);
  app.get('/v1/models', async () => encodeOpenAIModelList([...gateway.catalog.routes.keys()], startedAt));
  app.post('/v1/chat/completions', createChatHandler(gateway, openaiIngress));
  app.post('/v1/messages', createChatHandler(gateway, anthropicIngress));
  app.post('/v1/embeddings', async function handleEmbeddings(request, reply) {
    let decoded;
    try {
      decoded = decodeOpenAIEmbeddings(request.body);
    } catch (error) {
      return reject(request, reply, toJunctionError(error));
    }
    const { request: embedding, encodingFormat } = decoded;
    try {
      const { response, outcome } = await gateway.embeddings(embedding, requestContext(request, reply, openaiIngress));
      reply.headers(outcomeHeaders(outcome)).send(encodeOpenAIEmbeddings(response, embedding.model, encodingFormat));
    } catch (error) {
      sendError(reply, openaiIngress, error);
    }
  });
  return app;
}
