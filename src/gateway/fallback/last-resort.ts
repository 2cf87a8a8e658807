/**
 * What happens when a plan runs out: the emergency answers (the last good answer to the same
 * request, marked stale; a configured static text, marked static) and otherwise the error that
 * lists every attempt and why it failed.
 */
import { JunctionError } from '../../errors';
import type { Route } from '../../routing/catalog';
import type { ChatResponse } from '../../canonical/types';
import type { Exchange } from '../context';
import { PlanExhausted } from '../execution/executor';
import type { StaleCache } from './stale-cache';

export interface LastResortAnswer {
  response: ChatResponse;
  tier: 'stale-cache' | 'static';
}

/**
 * The fallback stage for a request whose plan failed: the route's emergency answer (noted on
 * the request's record), or, when it has none or the caller left, the error the caller gets.
 */
export function lastResortOrThrow(exchange: Exchange, error: unknown, staleCache: StaleCache, cacheKey: string | undefined, now: number): LastResortAnswer {
  const answer = wantsLastResort(error) && !exchange.context.cancel.aborted ? lastResortAnswer(exchange.route, staleCache, cacheKey, now) : undefined;
  if (!answer) throw finalError(exchange.route, error);
  exchange.record.fallbackTier = answer.tier;
  exchange.record.finishReason = answer.response.finishReason;
  exchange.record.markFirstByte();
  return answer;
}

/** What the caller is told when a plan fails: the exhausted plan summarised, or the error as it is. */
export function finalError(route: Route, error: unknown): unknown {
  return isExhausted(error) ? exhaustedError(route, error) : error;
}

/** Whether the answer came from the emergency answers rather than from a deployment. */
export function isLastResort(tier: string | undefined): boolean {
  return tier === 'stale-cache' || tier === 'static';
}

/** A stale or static answer if the route has one, else undefined. */
export function lastResortAnswer(route: Route, staleCache: StaleCache, cacheKey: string | undefined, now: number): LastResortAnswer | undefined {
  if (cacheKey !== undefined) {
    const cached = staleCache.get(cacheKey);
    if (cached) return { response: { ...cached.response, id: `${cached.response.id}-stale` }, tier: 'stale-cache' };
  }
  if (route.staticResponse !== undefined) {
    return {
      response: {
        id: `static-${now.toString(36)}`,
        model: 'junction-static',
        created: Math.floor(now / 1000),
        text: route.staticResponse,
        toolCalls: [],
        finishReason: { unified: 'stop', raw: 'static' },
        usage: { inputTokens: 0, outputTokens: 0 },
      },
      tier: 'static',
    };
  }
  return undefined;
}

/** The caller-facing error for an exhausted plan. */
export function exhaustedError(route: Route, exhausted: PlanExhausted): JunctionError {
  const { failures, skipped } = exhausted;
  // When every deployment said the prompt is too long, that is the caller's problem, not an outage.
  if (failures.length > 0 && failures.every(({ error }) => error.code === 'context_length_exceeded')) {
    return new JunctionError('context_length_exceeded', `the prompt is too long for every deployment of route ${route.name}: ${failures.at(-1)!.error.message}`);
  }
  const tried = failures.map(({ deployment, error }) => `${deployment}: ${error.code} (${error.message})`);
  const notTried = skipped.map(({ deployment, reason }) => `${deployment}: not tried (${reason})`);
  // Nothing was even tried because every breaker is open: tell the caller when one will admit again.
  const waits = skipped.map((skip) => skip.retryInMs).filter((wait): wait is number => wait !== undefined);
  const retryAfterMs = failures.length === 0 && waits.length === skipped.length && waits.length > 0 ? Math.min(...waits) : undefined;
  return new JunctionError('all_deployments_failed', `all deployments of route ${route.name} failed: ${[...tried, ...notTried].join('; ')}`, {
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    // Each attempt's error keeps what the caller is not shown (the socket's message, with the
    // upstream's address) in its own cause; the log line walks down to them.
    ...(failures.length === 0 ? {} : { cause: new AggregateError(failures.map(({ error }) => error), 'the failed attempts') }),
    details: {
      attempts: failures.map(({ deployment, error }) => ({ deployment, code: error.code, message: error.message })),
      skipped,
    },
  });
}

export function isExhausted(error: unknown): error is PlanExhausted {
  return error instanceof PlanExhausted;
}

/** Failures after which the emergency answers (stale, static) apply: the plan ran out, or the deadline did. */
export function wantsLastResort(error: unknown): boolean {
  return isExhausted(error) || (error instanceof JunctionError && error.code === 'request_timeout');
}
