/**
 * Runs one batch line through the gateway's pipeline like any request: routed, retried,
 * admitted against its owner's limits and budgets, cached and ledgered (ingress `batch`).
 * The answer (or the error) is what POST /v1/chat/completions or /v1/embeddings would have
 * sent, kept as the line's result.
 */
import type { KeyPrincipal } from '../access/access-control';
import { JunctionError, toJunctionError } from '../errors';
import type { RequestContext } from '../gateway/context';
import { Cancel } from '../gateway/execution/cancel';
import type { Pipeline } from '../gateway/pipeline';
import { decodeOpenAIChat } from '../http/ingress/openai/decode-openai-chat';
import { encodeOpenAIChat } from '../http/ingress/openai/encode-openai-chat';
import { decodeOpenAIEmbeddings, encodeOpenAIEmbeddings } from '../http/ingress/openai/openai-embeddings';
import { toOpenAIErrorObject } from '../http/ingress/openai/render-openai-error';
import type { BatchLine, LineResult } from './types';

export interface LineRun {
  line: BatchLine;
  requestId: string;
  /** The owner's principal; undefined when access is open. */
  principal: KeyPrincipal | undefined;
  /** Aborted when the batch is cancelled. */
  cancel: Cancel;
  now: () => number;
}

export async function executeLine(pipeline: Pipeline, run: LineRun): Promise<LineResult> {
  const { line, requestId, principal, now } = run;
  const context: RequestContext = { requestId, ingress: 'batch', cancel: Cancel.child(run.cancel), ...(principal ? { principal } : {}) };
  const done = (status: number, body: unknown): LineResult => ({ index: line.index, customId: line.customId, requestId, status, body, finishedAt: now() });
  let decoded = false;
  try {
    if (line.url === '/v1/embeddings') {
      const { request, encodingFormat } = decodeOpenAIEmbeddings(line.body);
      decoded = true;
      const { response } = await pipeline.embeddings(request, context);
      return done(200, encodeOpenAIEmbeddings(response, request.model, encodingFormat));
    }
    const { request } = decodeOpenAIChat(line.body);
    decoded = true;
    const { response } = await pipeline.chat(request, context);
    return done(200, encodeOpenAIChat(response, request.model));
  } catch (thrown) {
    const error = toJunctionError(thrown);
    // A body the endpoint refuses never reached the pipeline: it is still a request, and in the ledger.
    if (!decoded) pipeline.recordRejected(context, line.url === '/v1/embeddings' ? 'embeddings' : 'chat', String(line.body.model).slice(0, 200), error);
    return done(error.status, { error: toOpenAIErrorObject(error) });
  } finally {
    context.cancel.dispose();
  }
}

/** A line that did not get a response (its batch expired or was cancelled, its owner's key was refused): an error-file entry. */
export function unrunLine(line: Pick<BatchLine, 'index' | 'customId'>, requestId: string, error: JunctionError | { code: string; message: string }, at: number): LineResult {
  return { index: line.index, customId: line.customId, requestId, status: 0, body: null, error: { code: error.code, message: error.message }, finishedAt: at };
}
