/**
 * Non-streamed chat, the execute and fallback stages: run the plan with whole-answer attempts,
 * keep the answer for the stale cache, and when the plan fails, serve the route's emergency
 * answer or the error.
 */
import type { ChatRequest, ChatResponse } from '../../canonical/types';
import type { AttemptPlan } from '../../routing/plan';
import type { Exchange } from '../context';
import { executeOptions, fetchWholeAnswer, type RawAnswer } from '../execution/exchange';
import { executePlan } from '../execution/executor';
import { lastResortOrThrow } from '../fallback/last-resort';
import { StaleCache } from '../fallback/stale-cache';
import type { GatewayServices } from '../services';

export interface ChatAnswer {
  response: ChatResponse;
  /** The upstream's answer as it came, when the response is exactly that answer. */
  raw?: RawAnswer;
}

export async function answerChat(services: GatewayServices, staleCache: StaleCache, exchange: Exchange, plan: AttemptPlan, request: ChatRequest): Promise<ChatAnswer> {
  const { route, record } = exchange;
  const cacheKey = route.staleCache ? StaleCache.key(route.name, request) : undefined;
  let raw: RawAnswer | undefined;
  try {
    const result = await executePlan(
      executeOptions(services, exchange, plan, (attempt) =>
        fetchWholeAnswer(
          services,
          attempt,
          (adapter, target) => adapter.chatRequest(request, target),
          (adapter, json, target) => adapter.parseChatResponse(json, target),
          (answer) => (raw = answer),
        ),
      ),
    );
    record.noteResult(result.candidate.tier, result.hedge);
    if (cacheKey) staleCache.store(cacheKey, result.value, services.now());
    record.usage = result.value.usage;
    record.finishReason = result.value.finishReason;
    record.markFirstByte();
    return raw ? { response: result.value, raw } : { response: result.value };
  } catch (error) {
    return { response: lastResortOrThrow(exchange, error, staleCache, cacheKey, services.now()).response };
  }
}
