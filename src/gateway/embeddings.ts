/** Embeddings, the execute and fallback stages: whole-answer attempts on the route's embedding deployments. */
import type { EmbeddingRequest, EmbeddingResponse } from '../canonical/types';
import { JunctionError } from '../errors';
import type { AttemptPlan } from '../routing/plan';
import type { Exchange } from './context';
import { executeOptions, fetchWholeAnswer } from './execution/exchange';
import { executePlan } from './execution/executor';
import { finalError } from './fallback/last-resort';
import type { GatewayServices } from './services';

export async function answerEmbeddings(services: GatewayServices, exchange: Exchange, plan: AttemptPlan, request: EmbeddingRequest): Promise<EmbeddingResponse> {
  try {
    const result = await executePlan(
      executeOptions(services, exchange, plan, (attempt) =>
        fetchWholeAnswer(
          services,
          attempt,
          (adapter, target) => {
            if (!adapter.embeddingRequest || !adapter.parseEmbeddingResponse) {
              throw new JunctionError('capability_unsupported', `provider kind ${target.provider.kind} has no embeddings API`);
            }
            return adapter.embeddingRequest(request, target);
          },
          (adapter, json, target) => adapter.parseEmbeddingResponse!(json, target, request),
        ),
      ),
    );
    exchange.record.noteResult(result.candidate.tier, result.hedge);
    exchange.record.usage = result.value.usage;
    return result.value;
  } catch (error) {
    throw finalError(exchange.route, error);
  }
}
