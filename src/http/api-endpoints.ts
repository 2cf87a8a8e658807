/**
 * The API endpoints that carry traffic (chat in both formats, embeddings, speech), served on plain
 * node:http ahead of the web framework, which keeps the rest (health, metrics, routing API,
 * model list, not-found). Every request that reaches an API endpoint gets a ledger row,
 * including those refused for a bad body or because Junction is shutting down.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointKind } from '../canonical/types';
import { JunctionError, toJunctionError } from '../errors';
import { Cancel } from '../gateway/execution/cancel';
import type { RequestContext } from '../gateway/context';
import type { Pipeline } from '../gateway/pipeline';
import { hintsFromHeaders } from '../gateway/routing-hints';
import { createChatHandler, modelOf } from './chat-handler';
import { anthropicIngress, openaiIngress, type ChatIngress } from './ingress/formats';
import { decodeOpenAIEmbeddings, encodeOpenAIEmbeddings } from './ingress/openai/openai-embeddings';
import { outcomeHeaders, readJsonBody, requestIdOf, sendError, sendJson } from './respond';
import { createSpeechHandler } from './speech-handler';

export interface ApiEndpointOptions {
  pipeline: Pipeline;
  bodyLimitBytes: number;
  /** True once a graceful stop began: new API requests are refused with a 503. */
  isShuttingDown?: () => boolean;
}

type Handler = (body: unknown, context: RequestContext, response: ServerResponse) => Promise<void>;

interface Endpoint {
  ingress: ChatIngress;
  kind: EndpointKind;
  handle: Handler;
}

/** Returns a listener that serves the API endpoints and answers false for every other request. */
export function createApiEndpoints(options: ApiEndpointOptions): (request: IncomingMessage, response: ServerResponse) => boolean {
  const { pipeline } = options;
  const endpoints = new Map<string, Endpoint>([
    ['/v1/chat/completions', { ingress: openaiIngress, kind: 'chat', handle: createChatHandler(pipeline, openaiIngress) }],
    ['/v1/messages', { ingress: anthropicIngress, kind: 'chat', handle: createChatHandler(pipeline, anthropicIngress) }],
    ['/v1/embeddings', { ingress: openaiIngress, kind: 'embeddings', handle: createEmbeddingsHandler(pipeline) }],
    ['/v1/audio/speech', { ingress: openaiIngress, kind: 'speech', handle: createSpeechHandler(pipeline) }],
  ]);

  return function serveApi(request, response) {
    if (request.method !== 'POST') return false;
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const endpoint = endpoints.get(query < 0 ? url : url.slice(0, query));
    if (endpoint === undefined) return false;
    const context = callerContext(request, response, endpoint.ingress);
    const refuse = (error: JunctionError, body: unknown) => {
      pipeline.recordRejected(context, endpoint.kind, modelOf(body), error);
      sendError(response, endpoint.ingress, error, context.requestId, context.responseHeaders);
    };
    if (options.isShuttingDown?.()) {
      request.resume();
      refuse(new JunctionError('shutting_down', 'Junction is shutting down; retry on another replica'), undefined);
      return true;
    }
    // Whatever escapes the handler or the refusal still answers the caller.
    const answerError = (error: unknown) => sendError(response, endpoint.ingress, error, context.requestId, context.responseHeaders);
    readJsonBody(
      request,
      options.bodyLimitBytes,
      (body) => void endpoint.handle(body, context, response).catch(answerError),
      (error) => {
        try {
          refuse(toJunctionError(error), undefined);
        } catch (thrown) {
          answerError(thrown);
        }
      },
    );
    return true;
  };
}

/** Request id, caller's wire format, routing hints, and a scope cancelled when the caller goes away. */
function callerContext(request: IncomingMessage, response: ServerResponse, ingress: ChatIngress): RequestContext {
  const cancel = new Cancel();
  // 'close' fires both on normal completion and on a dropped connection; only the latter
  // (response not finished) means the caller left.
  response.once('close', () => {
    if (!response.writableFinished) cancel.abort('client');
  });
  const context: RequestContext = { requestId: requestIdOf(request), ingress: ingress.format, cancel };
  const credential = credentialOf(request);
  if (credential !== undefined) context.credential = credential;
  const hints = hintsFromHeaders(request.headers);
  if (Object.keys(hints).length > 0) context.hints = hints;
  return context;
}

function createEmbeddingsHandler(pipeline: Pipeline): Handler {
  return async function handleEmbeddings(body, context, response) {
    let decoded;
    try {
      decoded = decodeOpenAIEmbeddings(body);
    } catch (error) {
      pipeline.recordRejected(context, 'embeddings', modelOf(body), toJunctionError(error));
      return sendError(response, openaiIngress, error, context.requestId, context.responseHeaders);
    }
    const { request: embedding, encodingFormat } = decoded;
    try {
      const { response: answer, outcome } = await pipeline.embeddings(embedding, context);
      sendJson(response, 200, outcomeHeaders(outcome, context.requestId, context.responseHeaders), JSON.stringify(encodeOpenAIEmbeddings(answer, embedding.model, encodingFormat)));
    } catch (error) {
      sendError(response, openaiIngress, error, context.requestId, context.responseHeaders);
    }
  };
}

/** The caller's API key, as the OpenAI (`Authorization: Bearer`) and Anthropic (`x-api-key`) clients send it. */
export function credentialOf(request: IncomingMessage): string | undefined {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
  const authorization = request.headers.authorization;
  if (authorization === undefined || !/^bearer /i.test(authorization)) return undefined;
  const token = authorization.slice(7).trim();
  return token === '' ? undefined : token;
}
