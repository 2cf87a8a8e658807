/**
 * The cost-optimiser service API over HTTP, at the paths of the seed design (none clashes with
 * /v1/…): POST /complete, GET /recommendation, /routing/decision, /routing/metrics, /stats,
 * /providers and /cache/stats. This file only decodes and answers; the work is in
 * operations/optimizer. Errors come in the OpenAI error shape with a stable `error.code`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Scope } from '../access/types';
import type { RequestContext } from '../gateway/context';
import { Cancel } from '../gateway/execution/cancel';
import type { Pipeline } from '../gateway/pipeline';
import { hintsFromHeaders } from '../gateway/routing-hints';
import type { OptimizerOperations } from '../operations/optimizer';
import { readCompleteInput, readDays, readPromptQuery } from '../operations/optimizer/inputs';
import { credentialOf } from './api-endpoints';
import { fromFrameworkError } from './http-errors';
import { openaiIngress } from './ingress/formats';
import { sendError } from './respond';

export interface OptimizerApiOptions {
  optimizer: OptimizerOperations;
  pipeline: Pipeline;
  /** The optimiser's route, for the ledger row of a request refused for its body. */
  route: string;
  /** The scope check run before a request's body is read; without it the API is open. */
  authorize?: (scope: Scope) => onRequestAsyncHookHandler;
}

type Query = Record<string, unknown>;

export function registerOptimizerApi(app: FastifyInstance, options: OptimizerApiOptions): void {
  const { optimizer, pipeline } = options;
  const guard = (scope: Scope) => (options.authorize ? { onRequest: options.authorize(scope) } : {});

  app.post(
    '/complete',
    {
      ...guard('chat'),
      // Refused before the pipeline ran (no key, a body that is not JSON or is too large, a bad
      // field): still one ledger row, as every request to a chat endpoint gets.
      errorHandler: function refuseComplete(error, request, reply) {
        const refusal = fromFrameworkError(error);
        const context = callerContext(request, reply);
        pipeline.recordRejected(context, 'chat', options.route, refusal);
        reply.hijack();
        sendError(reply.raw, openaiIngress, refusal, context.requestId);
      },
    },
    async function completePrompt(request, reply) {
      const input = readCompleteInput(request.body);
      const context = callerContext(request, reply);
      try {
        const answer = await optimizer.complete(input, context);
        if (context.responseHeaders) reply.headers(context.responseHeaders);
        return answer;
      } catch (error) {
        // The pipeline has ledgered it already; answer with its routing headers.
        reply.hijack();
        sendError(reply.raw, openaiIngress, error, context.requestId, context.responseHeaders);
        return reply;
      }
    },
  );

  app.get('/recommendation', guard('routing:read'), async function recommendation(request) {
    return optimizer.recommendation(readPromptQuery(request.query as Query).prompt);
  });

  app.get('/routing/decision', guard('routing:read'), async function routingDecision(request) {
    const { prompt, autoRoute } = readPromptQuery(request.query as Query);
    return optimizer.decision(prompt, autoRoute);
  });

  app.get('/routing/metrics', guard('routing:read'), async function routingMetrics(request) {
    return optimizer.metrics(readDays(request.query as Query));
  });

  app.get('/stats', guard('routing:read'), async function stats() {
    return optimizer.stats();
  });

  app.get('/providers', guard('routing:read'), async function providers() {
    return optimizer.providers();
  });

  app.get('/cache/stats', guard('routing:read'), async function cacheStats() {
    return optimizer.cacheStats();
  });
}

/**
 * The request's context for the pipeline: its id, the caller's key, routing hints from headers,
 * and a scope cancelled when the caller goes away. Recorded as the OpenAI ingress: the API is
 * JSON over HTTP and answers errors in OpenAI's shape.
 */
function callerContext(request: FastifyRequest, reply: FastifyReply): RequestContext {
  const cancel = new Cancel();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) cancel.abort('client');
  });
  const context: RequestContext = { requestId: String(request.id), ingress: 'openai', cancel };
  const credential = credentialOf(request.raw);
  if (credential !== undefined) context.credential = credential;
  const hints = hintsFromHeaders(request.headers);
  if (Object.keys(hints).length > 0) context.hints = hints;
  return context;
}
