/**
 * The HTTP surface: OpenAI- and Anthropic-compatible APIs plus health, readiness and metrics.
 * Every error, including the framework's own (body too large, bad JSON, unknown path), is
 * rendered in the caller's API error shape.
 */
import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { AccessControl } from '../access/access-control';
import type { Scope } from '../access/types';
import { JunctionError } from '../errors';
import type { Pipeline } from '../gateway/pipeline';
import type { Metrics } from '../observability/metrics';
import type { Operations } from '../operations';
import { registerAdminApi, type AdminCache } from './admin-api';
import { registerBatchApi } from './batch-api';
import type { BatchRuntime } from '../batch/start-batch';
import { registerDashboard } from './dashboard/dashboard-api';
import type { Dashboard } from '../operations/dashboard';
import type { AdminOperations } from '../operations/admin';
import type { LearningOperations } from '../operations/learning';
import { createApiEndpoints, credentialOf } from './api-endpoints';
import { answerClientError } from './client-error';
import { fromFrameworkError, parseJsonBody } from './http-errors';
import { ingressForPath } from './ingress/formats';
import { registerOptimizerApi } from './optimizer-api';
import type { OptimizerOperations } from '../operations/optimizer';
import { registerMcpEndpoint } from '../mcp/http-transport';
import type { McpDeps } from '../mcp/tools';
import { VERSION } from '../version';
import { registerLearningApi } from './learning-api';
import { registerSourcesApi } from './sources-api';
import type { SourceOperations } from '../operations/sources';
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
  /** Time a caller has to send a request's headers (server.headersTimeoutMs). */
  headersTimeoutMs: number;
  /** Time a caller has to send a whole request, headers and body (server.requestBodyTimeoutMs). */
  requestBodyTimeoutMs: number;
  /** Open connections accepted at once; those over it are closed as they arrive (server.maxConnections). */
  maxConnections: number;
  /** Scope checks for the endpoints outside the pipeline; without it they are open. */
  access?: Pick<AccessControl, 'require'>;
  /** The admin API under /admin, authorised by `access` (the admin key, or a key with the `admin` scope). */
  admin?: AdminOperations;
  /** The cost-optimiser service API (/complete, /recommendation, /routing/…, /stats, /providers, /cache/stats) and its route. */
  optimizer?: { operations: OptimizerOperations; route: string };
  /** Auto-routing feedback and what it taught (POST /feedback, GET /quality/stats, GET /insights). */
  learning?: LearningOperations;
  /** The multi-source data router's API under /api/v1/routing. */
  sources?: SourceOperations;
  /** GET /sla: the SLA monitor's alerts, figures and load-balancing reports. */
  sla?: () => unknown;
  /** POST /admin/reload: reload the config from its file, audited as the actor. */
  reload?: (actor: string) => Promise<unknown>;
  /** GET /admin/cache (the response cache's figures) and DELETE /admin/cache (forget every answer, audited). */
  cache?: AdminCache;
  /** MCP's configure_routing: a routing change applied like a reload. */
  configureRouting?: McpDeps['configure'];
  /** The live dashboard: GET /dashboard (the page) and GET /dashboard/data (routing:read). */
  dashboard?: Dashboard;
  /** The Batch API (/v1/files, /v1/batches) and GET /admin/forecast, when `batch.enabled`. */
  batch?: { runtime: BatchRuntime; maxFileBytes: number };
}

/** How long an idle caller connection stays open: longer than common load balancers' 60 s. */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000;

export function buildServer(options: ServerOptions): FastifyInstance {
  const { operations, metrics } = options;
  const serveApi = createApiEndpoints(options);
  const { headersTimeoutMs, requestBodyTimeoutMs } = options;
  const app = Fastify({
    // The API endpoints answer on plain node:http first; the framework serves everything else.
    serverFactory: (frameworkHandler) => {
      const server = createServer(
        {
          headersTimeout: headersTimeoutMs,
          requestTimeout: requestBodyTimeoutMs,
          // Node looks for overdue requests only this often (every 30 s by default), so a limit
          // fires up to one interval late; a quarter of the shorter limit keeps that small.
          connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(Math.min(headersTimeoutMs, requestBodyTimeoutMs) / 4))),
        },
        function route(request, response) {
          if (!serveApi(request, response)) frameworkHandler(request, response);
        },
      );
      // With a server factory the framework leaves the server's settings alone, and Node's own
      // 5 s idle keep-alive would close connections that callers and load balancers (60 s idle
      // is common) still count as open: a request sent as the server closes one is reset.
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      server.maxConnections = options.maxConnections;
      return server;
    },
    // Node's parser errors (bad header bytes, oversized headers, slow callers) in the API's shape.
    clientErrorHandler: (error, socket) => answerClientError(error, socket, { headersTimeoutMs, requestBodyTimeoutMs }),
    // The router's own refusals (a path that is not valid percent-encoding) too.
    frameworkErrors: (error, request, reply) => {
      reply.hijack();
      sendError(reply.raw, ingressForPath(request.url), fromFrameworkError(error), String(request.id));
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
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
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

  // Liveness and readiness stay open (load balancers probe them without keys); the rest need a scope.
  const requireScope = (scope: Scope | null) =>
    async function requireScope(request: FastifyRequest) {
      await options.access?.require(credentialOf(request.raw), scope);
    };

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const ready = options.isReady();
    reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  app.get('/metrics', { onRequest: requireScope('metrics') }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType).send(await metrics.render());
  });

  const startedAt = Math.floor(Date.now() / 1000);
  registerRoutingApi(app, operations, requireScope('routing:read'));
  if (options.sources) registerSourcesApi(app, options.sources, options.access ? (credential, scope) => options.access!.require(credential, scope) : undefined);
  const sla = options.sla;
  if (sla) app.get('/sla', { onRequest: requireScope('routing:read') }, async () => sla());
  if (options.dashboard) registerDashboard(app, options.dashboard, requireScope('routing:read'));
  if (options.optimizer) {
    registerOptimizerApi(app, { optimizer: options.optimizer.operations, pipeline: options.pipeline, route: options.optimizer.route, authorize: requireScope });
  }
  registerMcpEndpoint(app, {
    pipeline: options.pipeline,
    operations,
    version: VERSION,
    ...(options.access ? { access: options.access } : {}),
    ...(options.admin ? { spend: (query) => options.admin!.spend(query) } : {}),
    ...(options.configureRouting ? { configure: options.configureRouting } : {}),
  });
  if (options.learning) registerLearningApi(app, options.learning, options.access ? (credential, scope) => options.access!.require(credential, scope) : undefined);
  if (options.admin && options.access) registerAdminApi(app, { admin: options.admin, authorize: actorFor(options.access), ...(options.reload ? { reload: options.reload } : {}), ...(options.cache ? { cache: options.cache } : {}) });
  if (options.batch) {
    registerBatchApi(app, { batch: options.batch.runtime, maxFileBytes: options.batch.maxFileBytes, requireAdmin: requireScope('admin'), ...(options.access ? { access: options.access } : {}) });
  }
  app.get('/v1/models', { onRequest: requireScope(null) }, async () => encodeOpenAIModelList(operations.routes().map((route) => route.name), startedAt));
  return app;
}

/** The audit log's actor for an admin request: the environment's admin key, or a key with the `admin` scope. */
function actorFor(access: Pick<AccessControl, 'require'>) {
  return async function authorize(request: FastifyRequest): Promise<string> {
    const caller = await access.require(credentialOf(request.raw), 'admin');
    if (caller === 'admin') return 'admin';
    if (caller === undefined) throw new JunctionError('missing_api_key', 'The admin API needs the admin key (or a key with the admin scope)');
    return `key:${caller.key.id}`;
  };
}
