/**
 * Walks an attempt plan: one attempt at a time, a per-attempt timeout, retries of the same
 * deployment, then the next one, until an attempt succeeds, a failure is not worth retrying,
 * or the plan runs out. Every attempt is recorded and announced.
 */
import { JunctionError } from '../core/errors';
import type { AttemptPlan, Candidate } from '../core/plan';
import type { Usage } from '../core/types';
import type { GatewayEvents } from './events';
import type { RequestRecord } from './request-record';
import { transportError, type AbortCause } from './upstream-client';

export interface AttemptContext {
  candidate: Candidate;
  /** Fires on client disconnect, the request deadline, or this attempt's timeout. */
  signal: AbortSignal;
  /** Stop this attempt's timeout (a stream delivered its first byte; stalls are caught by the idle timeout). */
  clearTimeout(): void;
  /** Usage known so far, recorded even if the attempt then fails. */
  reportUsage(usage: Usage): void;
}

export interface ExecuteOptions<T> {
  plan: AttemptPlan;
  retries: number;
  record: RequestRecord;
  events: GatewayEvents;
  /** The request's signal: client disconnect and overall deadline. */
  signal: AbortSignal;
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  attempt: (context: AttemptContext) => Promise<T>;
  /** Once false (a stream has sent bytes to the client), a failure ends the request. */
  canFallBack?: () => boolean;
}

/** Longest Retry-After we wait for before moving to the next deployment instead. */
const MAX_RETRY_WAIT_MS = 2_000;
const BASE_BACKOFF_MS = 50;

export async function executePlan<T>(options: ExecuteOptions<T>): Promise<T> {
  const { plan, record, events, signal, now } = options;
  if (plan.attempts.length === 0) {
    const why = plan.excluded.map((item) => `${item.deployment}: ${item.reason}`).join('; ');
    throw new JunctionError('capability_unsupported', `no deployment of route ${plan.route} can serve this request${why ? ` (${why})` : ''}`, {
      details: { excluded: plan.excluded },
    });
  }
  const failures: Array<{ deployment: string; error: JunctionError }> = [];
  for (const candidate of plan.attempts) {
    for (let tryIndex = 0; tryIndex <= options.retries; tryIndex += 1) {
      const startedAt = now();
      let usage: Usage | undefined;
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort('attempt-timeout' satisfies AbortCause), candidate.provider.timeoutMs);
      const attemptSignal = AbortSignal.any([signal, timeout.signal]);
      try {
        const value = await options.attempt({
          candidate,
          signal: attemptSignal,
          clearTimeout: () => clearTimeout(timer),
          reportUsage: (reported) => {
            usage = reported;
          },
        });
        const costUsd = record.addAttempt(candidate.deployment, 'success', startedAt, usage);
        announce(events, plan.route, candidate, 'success', now() - startedAt, usage, costUsd);
        record.deployment = candidate.deployment.id;
        return value;
      } catch (thrown) {
        const error = thrown instanceof JunctionError ? thrown : transportError(thrown, attemptSignal, candidate.provider);
        const outcome = error.code === 'client_closed' || error.code === 'request_timeout' ? 'aborted' : 'error';
        const costUsd = record.addAttempt(candidate.deployment, outcome, startedAt, usage, error);
        announce(events, plan.route, candidate, outcome, now() - startedAt, usage, costUsd, error);
        if (outcome === 'aborted' || !error.retryable || options.canFallBack?.() === false) throw error;
        failures.push({ deployment: candidate.deployment.id, error });
        if (!worthRetrying(error) || tryIndex === options.retries) break;
        const wait = error.retryAfterMs ?? BASE_BACKOFF_MS * 2 ** tryIndex;
        if (wait > MAX_RETRY_WAIT_MS) break;
        await options.sleep(wait, signal).catch(() => {
          throw transportError(new Error('aborted'), signal, candidate.provider);
        });
      } finally {
        clearTimeout(timer);
      }
    }
  }
  throw exhausted(plan.route, failures);
}

/** Failures that say this deployment cannot serve the request, however often we ask. */
function worthRetrying(error: JunctionError): boolean {
  return error.code !== 'upstream_auth' && error.code !== 'context_length_exceeded';
}

function exhausted(route: string, failures: Array<{ deployment: string; error: JunctionError }>): JunctionError {
  // When every deployment said the prompt is too long, that is the caller's problem, not an outage.
  if (failures.every(({ error }) => error.code === 'context_length_exceeded')) {
    const last = failures[failures.length - 1].error;
    return new JunctionError('context_length_exceeded', `the prompt is too long for every deployment of route ${route}: ${last.message}`);
  }
  const tried = failures.map(({ deployment, error }) => `${deployment}: ${error.code} (${error.message})`).join('; ');
  return new JunctionError('all_deployments_failed', `all attempts for route ${route} failed: ${tried}`, {
    details: { attempts: failures.map(({ deployment, error }) => ({ deployment, code: error.code, message: error.message })) },
  });
}

function announce(
  events: GatewayEvents,
  route: string,
  candidate: Candidate,
  outcome: 'success' | 'error' | 'aborted',
  durationMs: number,
  usage: Usage | undefined,
  costUsd: number,
  error?: JunctionError,
): void {
  events.emit({
    type: 'attempt-end',
    route,
    deployment: candidate.deployment.id,
    provider: candidate.provider.id,
    outcome,
    ...(error ? { errorCode: error.code } : {}),
    durationMs,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    costUsd,
  });
}

