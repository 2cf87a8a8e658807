/**
 * The semantic cache's embedding of a question: an in-process request on the policy's
 * embeddings route, made as the caller (its credential, its deadline and disconnect), so it is
 * routed, retried, limited and in the ledger like any other request.
 */
import type { Exchange, RequestContext } from '../gateway/context';
import type { Pipeline } from '../gateway/pipeline';
import type { SemanticPolicy } from './types';

export async function embedQuestion(pipeline: Pipeline, question: string, policy: SemanticPolicy, exchange: Exchange): Promise<number[] | undefined> {
  const context: RequestContext = { requestId: `${exchange.context.requestId}.cache`, ingress: 'library', cancel: exchange.cancel };
  if (exchange.context.credential !== undefined) context.credential = exchange.context.credential;
  try {
    const { response } = await pipeline.embeddings({ model: policy.embeddingRoute, input: [question], ...(policy.dimensions === undefined ? {} : { dimensions: policy.dimensions }) }, context);
    return response.embeddings[0];
  } catch {
    // Not embedded, not served semantically: the request goes on as a miss (its embedding request is in the ledger with why it failed).
    return undefined;
  }
}
