/**
 * The HTTP surface: OpenAI- and Anthropic-compatible APIs plus health, readiness and metrics.
 * Every error, including the framework's own (body too large, bad JSON, unknown path), is
 * rendered in the caller's API error shape.
 */
import { createServer } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { JunctionError } from '../errors';
import type { Pipeline } from '../gateway/pipeline';
import type { Metrics } from '../observability/metrics';
import type { Operations } from '../operations';
import { createApiEndpoints } from './api-endpoints';
import { fromFrameworkError, parseJsonBody } from './http-errors';
import { ingressForPath } from './ingress/formats';
import { registerRoutingApi } from './routing-api';
import { encodeOpenAIModelList } from './ingress/openai/openai-models';
import { requestIdOf, sendError } from './respond';

export interface ServerOptions {
  pipeline: Pipeline;
  operations: Operations;
  metrics: Metrics;
  bodyLimitBytes: number;
  /** False while starting or shutting down; drives GET /ready. */
  isReady: () => boolean;
  /** True once a graceful stop began: new API requests are refused with a 503. */
  isShuttingDown?: () => boolean;
}

/** How long an idle caller connection stays open: longer than common load balancers' 60 s. */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000;

export function buildServer(options: ServerOptions): FastifyInstance {
  const { operations, metrics } = options;
  const serveApi = createApiEndpoints(options);
  const app = Fastify({
    // The API endpoints answer on plain node:http first; the framework serves everything else.
    serverFactory: (frameworkHandler) => {
      const server = createServer(function route(request, response) {
        if (!serveApi(request, response)) frameworkHandler(request, response);
      });
      // With a server factory the framework leaves the server's settings alone, and Node's own
      // 5 s idle keep-alive would close connections that callers and load balancers (60 s idle
      // is common) still count as open: a request sent as the server closes one is reset.
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      return server;
    },
    bodyLimit: options.bodyLimitBytes,
    // Request logs come from gateway events (one line per request with tokens and cost).
    logger: false,
    genReqId: requestIdOf,
    // Idle keep-alive sockets are closed on shutdown; in-flight requests finish first.
    forceCloseConnections: 'idle',
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
  });
  // Errors are written by the same code as the API endpoints' own, on the raw response.
  app.setErrorHandler((error, request, reply) => {
    reply.hijack();
    sendError(reply.raw, ingressForPath(request.url), fromFrameworkError(error), String(request.id));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.hijack();
    sendError(reply.raw, ingressForPath(request.url), new JunctionError('endpoint_not_found', `No endpoint ${request.method} ${request.url.split('?')[0]}`), String(request.id));
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
  registerRoutingApi(app, operations);
  app.get('/v1/models', async () => encodeOpenAIModelList(operations.routes().map((route) => route.name), startedAt));
  return app;
}
