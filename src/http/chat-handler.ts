/**
 * POST /v1/chat/completions and POST /v1/messages: decode the caller's format, run the
 * gateway, encode the answer (or the error) back in the same format. When the upstream spoke
 * the caller's format, its answer is forwarded as it came (model name aside) rather than
 * encoded again.
 */
import type { ServerResponse } from 'node:http';
import type { Usage } from '../canonical/types';
import { toJunctionError } from '../errors';
import { outcomeOfError, type Outcome } from '../gateway/account';
import type { RequestContext } from '../gateway/context';
import type { Pipeline } from '../gateway/pipeline';
import type { StreamStart } from '../gateway/chat/stream-sink';
import type { ChatIngress } from './ingress/formats';
import { replaceModel } from './ingress/replace-model';
import { outcomeHeaders, sendError, sendJson } from './respond';
import { SseSink } from './sse-sink';

export function createChatHandler(pipeline: Pipeline, ingress: ChatIngress) {
  return async function handleChat(body: unknown, context: RequestContext, response: ServerResponse): Promise<void> {
    let decoded;
    try {
      decoded = ingress.decode(body);
    } catch (error) {
      pipeline.recordRejected(context, 'chat', modelOf(body), toJunctionError(error));
      return sendError(response, ingress, error, context.requestId, context.responseHeaders);
    }
    const { request: chat, includeUsage } = decoded;
    if (!chat.stream) {
      try {
        const { response: answer, outcome, raw } = await pipeline.chat(chat, context);
        // Same format: forward the upstream's answer, renamed to the route (undefined if the scan cannot).
        const passed = raw?.format === ingress.format ? replaceModel(raw.body, chat.model) : undefined;
        sendJson(response, 200, outcomeHeaders(outcome, context.requestId, context.responseHeaders), passed ?? JSON.stringify(ingress.encode(answer, chat.model)));
      } catch (error) {
        sendError(response, ingress, error, context.requestId, context.responseHeaders);
      }
      return;
    }
    const sink = new SseSink(response, ingress.streamEncoder(chat.model, includeUsage), (info) => streamHeaders(info, chat.model, context), {
      format: ingress.format,
      includeUsage,
      publicModel: chat.model,
    });
    try {
      await pipeline.chatStream(chat, context, sink);
      sink.end();
    } catch (error) {
      if (sink.begun) sink.fail(toJunctionError(error), usageOf(outcomeOfError(error)));
      else sendError(response, ingress, error, context.requestId, context.responseHeaders);
    }
  };
}

/**
 * A stream's routing headers, written with its first byte: what is known then. Attempts count
 * those made so far; a hedge's outcome and the cost are settled only later (both are in the ledger).
 */
function streamHeaders(info: StreamStart, route: string, context: RequestContext): Record<string, string> {
  const headers: Record<string, string> = context.responseHeaders ? { ...context.responseHeaders } : {};
  headers['x-request-id'] = context.requestId;
  headers['x-junction-route'] = route;
  if (info.strategy) headers['x-junction-strategy'] = info.strategy;
  headers['x-junction-deployment'] = info.deployment;
  headers['x-junction-attempts'] = String(info.attempts);
  if (info.tier !== 'primary') headers['x-junction-fallback-tier'] = info.tier;
  return headers;
}

/** The request's usage as its ledger row sums it, to go with a stream's error event where the format allows. */
function usageOf(outcome: Outcome | undefined): Usage | undefined {
  if (outcome?.inputTokens === undefined || outcome.outputTokens === undefined) return undefined;
  return { inputTokens: outcome.inputTokens, outputTokens: outcome.outputTokens };
}

/** The model a malformed body asked for, if it says, for the ledger row of a rejected request. */
export function modelOf(body: unknown): string {
  const model = (body as { model?: unknown } | null)?.model;
  return typeof model === 'string' ? model.slice(0, 200) : '';
}
