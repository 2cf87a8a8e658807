/**
 * Routing operations over HTTP: a dry-run decision for a request (which deployments, in what
 * order, and why each candidate ranks or is left out) and every deployment's live health. The
 * work is the operations layer's; this file only decodes and answers.
 */
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { hintsFromHeaders } from '../gateway/routing-hints';
import type { Operations } from '../operations';
import { decodeAnthropicMessages } from './ingress/anthropic/decode-anthropic-messages';
import { decodeOpenAIChat } from './ingress/openai/decode-openai-chat';

/** `authorize` runs before each request's body is read (the `routing:read` scope check). */
export function registerRoutingApi(app: FastifyInstance, operations: Operations, authorize?: onRequestAsyncHookHandler): void {
  const onRequest = authorize ? { onRequest: authorize } : {};
  /** Body: a normal chat request (OpenAI format, or Anthropic with `?format=anthropic`). No upstream is called. */
  app.post('/v1/routing/decision', onRequest, async function routingDecision(request) {
    const format = (request.query as { format?: string }).format;
    const chat = format === 'anthropic' ? decodeAnthropicMessages(request.body) : decodeOpenAIChat(request.body).request;
    return operations.preview(chat, hintsFromHeaders(request.headers));
  });

  app.get('/v1/providers', onRequest, async function providerStatus() {
    return { object: 'list', data: operations.status() };
  });
}
