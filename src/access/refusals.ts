/**
 * What a caller is told when admission refuses, or admits: the coded error that names the
 * limit in words, `Retry-After` when waiting can help, and OpenAI's `x-ratelimit-*` headers
 * from the per-minute request and token counters, on refusals as on admitted requests.
 */
import { JunctionError } from '../errors';
import type { Exchange } from '../gateway/context';
import type { Headroom, LimitRule, Refusal } from './limits/types';
import { describeLabel, type DrawPlan } from './policy';

/** The error for a refused reservation; sets the refusal's headers on the exchange. */
export function refusalError(exchange: Exchange, plan: DrawPlan, refusal: Refusal): JunctionError {
  const label = plan.labels[refusal.index]!;
  const { rule } = refusal;
  const headers = (exchange.context.responseHeaders ??= {});
  const waitable = Number.isFinite(refusal.retryAfterMs);
  // A concurrency slot frees when any request of the caller ends, not when its lease lapses.
  const retryAfterMs = !waitable ? undefined : label.limit === 'concurrent' ? 1_000 : Math.max(1_000, refusal.retryAfterMs);
  const details = { limit: { owner: label.owner, id: label.id, name: label.limit, ...(label.period ? { period: label.period } : {}) } };
  const headroom = plan.draws.map((): Headroom | undefined => undefined);
  headroom[refusal.index] = { remaining: refusal.remaining, resetMs: refusal.retryAfterMs };
  setRateLimitHeaders(exchange, plan, headroom);

  if (label.sort === 'budget') {
    headers['x-should-retry'] = 'false';
    const message = `This request could cost more than is left of ${describeLabel(label)} (${formatUsd(refusal.remaining)} of ${formatUsd(refusal.limit)} left)`;
    return new JunctionError('budget_exceeded', message, { ...(retryAfterMs === undefined ? {} : { retryAfterMs }), details });
  }
  const amount = plan.draws[refusal.index]!.amount;
  const limit = rule.kind === 'rate' ? `${rule.perMinute} a minute` : String(refusal.limit);
  let message: string;
  if (!waitable) {
    // Waiting will not help: the request alone is larger than the limit, or a lifetime quota is spent.
    headers['x-should-retry'] = 'false';
    message = `Rate limit reached: ${describeLabel(label)} is ${limit}, and this request (${amount}) can never fit in what is left; it was not sent`;
  } else {
    const left = label.limit === 'concurrent' ? '' : `, ${Math.max(0, Math.floor(refusal.remaining))} left now`;
    message = `Rate limit reached: ${describeLabel(label)} is ${limit}${left}; try again in ${Math.ceil(retryAfterMs! / 1000)} s`;
  }
  return new JunctionError('rate_limit_exceeded', message, { ...(retryAfterMs === undefined ? {} : { retryAfterMs }), details });
}

/**
 * OpenAI's x-ratelimit-* headers from the key's (or else the first) per-minute request and
 * token counters, for those `headroom` covers (all on admission; the refusing one on refusal).
 * Every admitted request with limits sets them, so the header names are written out: a name
 * built per request is a new string for each header object to hash.
 */
export function setRateLimitHeaders(exchange: Exchange, plan: DrawPlan, headroom: ReadonlyArray<Headroom | undefined>): void {
  let requests = -1;
  let tokens = -1;
  const { labels } = plan;
  for (let index = 0; index < labels.length; index += 1) {
    if (headroom[index] === undefined) continue;
    const label = labels[index]!;
    if (label.limit === 'rpm' && (requests < 0 || label.owner === 'key')) requests = index;
    if (label.limit === 'tpm' && (tokens < 0 || label.owner === 'key')) tokens = index;
  }
  if (requests < 0 && tokens < 0) return;
  const headers = (exchange.context.responseHeaders ??= {});
  if (requests >= 0) writeRateHeaders(headers, plan.draws[requests]!.rule, headroom[requests]!, REQUEST_HEADERS);
  if (tokens >= 0) writeRateHeaders(headers, plan.draws[tokens]!.rule, headroom[tokens]!, TOKEN_HEADERS);
}

/** Header names spelled out whole, so no name is built per request. */
const REQUEST_HEADERS = ['x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests'] as const;
const TOKEN_HEADERS = ['x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens'] as const;

/** One per-minute counter's limit, what is left and when it is full again, when the counter is a rate. */
function writeRateHeaders(headers: Record<string, string>, rule: LimitRule, room: Headroom, [limit, remaining, reset]: readonly [string, string, string]): void {
  if (rule.kind !== 'rate') return;
  headers[limit] = String(rule.perMinute);
  headers[remaining] = String(Math.max(0, Math.floor(room.remaining)));
  if (Number.isFinite(room.resetMs)) headers[reset] = resetText(room.resetMs);
}

/** OpenAI's duration format, in seconds: `0.05s`. */
function resetText(ms: number): string {
  return `${Math.ceil(ms) / 1000}s`;
}

function formatUsd(nanos: number): string {
  return `$${(nanos / 1e9).toFixed(4)}`;
}
