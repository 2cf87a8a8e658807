/**
 * How a whole (non-streamed) answer is fetched in one attempt, and the executor's options for
 * an exchange. An error thrown while *building* the upstream request comes from the request's
 * own content (a schema too deep to convert, say), so it is the caller's, never the deployment's.
 */
import type { Usage, WireFormat } from '../../canonical/types';
import { JunctionError } from '../../errors';
import type { ProviderAdapter, UpstreamRequest, UpstreamTarget } from '../../providers/types';
import { boundsFirstByte, firstByteTimeoutMs } from '../../routing/first-byte-timeout';
import type { RequestNeeds } from '../../routing/needs';
import type { AttemptPlan, PlannedAttempt } from '../../routing/plan';
import type { Exchange } from '../context';
import type { GatewayServices } from '../services';
import type { AttemptContext, ExecuteOptions } from './executor';
import { parseJsonAnswer } from './read-body';

/**
 * The upstream's own answer, for a caller that speaks the same wire format: the HTTP layer may
 * forward these bytes instead of encoding the canonical response again.
 */
export interface RawAnswer {
  format: WireFormat;
  /** The answer's JSON text. */
  body: string;
}

/** The executor's options for running `plan` on behalf of `exchange`. */
export function executeOptions<T>(
  services: GatewayServices,
  exchange: Exchange,
  plan: AttemptPlan,
  needs: RequestNeeds,
  attempt: ExecuteOptions<T>['attempt'],
  canFallBack?: () => boolean,
): ExecuteOptions<T> {
  const { store, events, now, random, sleep } = services;
  const { route, record, runtime, cancel, deadline } = exchange;
  const stream = record.start.stream;
  // Most requests (whole answers under `auto`) have no first-byte bound: no closure, no health read per attempt.
  const firstByteTimeout = boundsFirstByte(route.firstByteTimeoutMs, stream)
    ? (candidate: PlannedAttempt, attemptTimeoutMs: number) =>
        firstByteTimeoutMs({
          setting: route.firstByteTimeoutMs,
          stream,
          estimatedInputTokens: needs.estimatedInputTokens,
          ttftP95Ms: store.snapshot(candidate.deployment.id, now()).ttftP95Ms,
          attemptTimeoutMs,
        })
    : undefined;
  return { plan, route, record, events, store, budget: runtime.budget, cancel, deadline, now, random, sleep, attempt, canFallBack, firstByteTimeoutMs: firstByteTimeout };
}

/**
 * One whole-answer attempt: build the upstream request, send it, parse the answer, report its
 * usage, and claim the response (false means a hedged twin already answered). The winner's
 * answer as it came goes to `keepRaw`.
 */
export async function fetchWholeAnswer<T extends { usage: Usage }>(
  services: GatewayServices,
  attempt: AttemptContext,
  build: (adapter: ProviderAdapter, target: UpstreamTarget) => UpstreamRequest,
  parse: (adapter: ProviderAdapter, json: unknown, target: UpstreamTarget) => T,
  keepRaw?: (raw: RawAnswer) => void,
): Promise<T> {
  const { candidate } = attempt;
  const target = { provider: candidate.provider, deployment: candidate.deployment };
  const adapter = services.adapterFor(candidate.provider);
  const upstream = await services.client.sendBuffered(candidate.provider, buildUpstreamRequest(adapter, target, build), attempt.cancel, () => attempt.firstByte());
  const { json, text } = parseJsonAnswer(upstream, adapter, candidate.provider);
  const value = parse(adapter, json, target);
  attempt.reportUsage(value.usage);
  if (!attempt.claim()) throw new JunctionError('attempt_cancelled', 'another hedged attempt answered first');
  keepRaw?.({ format: adapter.format, body: text });
  return value;
}

/**
 * Builds the upstream request. Whatever goes wrong here is caused by the request's content (a
 * nesting too deep to convert, a `$ref` that does not resolve), so a non-coded error becomes the
 * caller's 400 rather than an upstream failure that would count against the deployment.
 */
export function buildUpstreamRequest(
  adapter: ProviderAdapter,
  target: UpstreamTarget,
  build: (adapter: ProviderAdapter, target: UpstreamTarget) => UpstreamRequest,
): UpstreamRequest {
  try {
    return build(adapter, target);
  } catch (error) {
    if (error instanceof JunctionError) throw error;
    const why = error instanceof RangeError ? 'it is nested too deeply' : 'it cannot be converted';
    throw new JunctionError('invalid_request', `The request cannot be sent to ${target.deployment.id}: ${why} (${String((error as Error)?.message ?? error).slice(0, 200)})`, { cause: error });
  }
}
