/**
 * Walks an attempt plan. Per candidate: ask its breaker to admit the attempt, run it (attempt.ts),
 * and on a retryable failure retry the same deployment (full-jitter backoff, Retry-After
 * honoured, within the route's retry budget) before moving to the next candidate. Optionally
 * hedges the first attempt (hedge.ts). Every attempt is recorded and announced, whatever its end.
 */
import type { Usage } from '../../canonical/types';
import { JunctionError } from '../../errors';
import { backoffDelay, type RetryBudget } from '../../resilience/retry-budget';
import type { Route } from '../../routing/catalog';
import type { AttemptPlan, PlannedAttempt } from '../../routing/plan';
import type { StateStore } from '../../state/types';
import type { GatewayEvents } from '../events';
import type { RequestRecord } from '../request-record';
import { runAttempt } from './attempt';
import type { Cancel } from './cancel';
import { runHedged } from './hedge';
import { transportError } from './upstream-client';

export interface AttemptContext {
  candidate: PlannedAttempt;
  /** Cancelled on client disconnect, the request deadline, or this attempt's timeouts. */
  cancel: Cancel;
  /** The upstream's first byte (its status line) arrived: stop the first-byte timeout. */
  firstByte(): void;
  /** Stop this attempt's timeout (a stream delivered its first event; stalls are caught by the idle timeout). */
  clearTimeout(): void;
  /** Usage known so far, recorded even if the attempt then fails. */
  reportUsage(usage: Usage): void;
  /**
   * Call right before committing anything to the caller. False means a hedged twin already
   * won: the attempt must stop without writing.
   */
  claim(): boolean;
}

/** `none`: no second attempt was started (the first answered within the hedge delay, or the route does not hedge). */
export type HedgeOutcome = 'none' | 'primary-won' | 'hedge-won';

export interface ExecuteOptions<T> {
  plan: AttemptPlan;
  route: Route;
  record: RequestRecord;
  events: GatewayEvents;
  store: StateStore;
  budget: RetryBudget;
  /** The request's scope: client disconnect and overall deadline. */
  cancel: Cancel;
  /** When the request's deadline passes, on the `now` clock: bounds the waits on shared state. */
  deadline?: number;
  now: () => number;
  random: () => number;
  sleep: (ms: number, cancel: Cancel) => Promise<void>;
  attempt: (context: AttemptContext) => Promise<T>;
  /** How long a candidate's attempt may wait for its first byte (undefined: the attempt timeout bounds it). */
  firstByteTimeoutMs?: (candidate: PlannedAttempt, attemptTimeoutMs: number) => number | undefined;
  /** Once false (a stream has sent bytes to the caller), a failure ends the request. */
  canFallBack?: () => boolean;
}

export interface ExecuteResult<T> {
  value: T;
  candidate: PlannedAttempt;
  hedge: HedgeOutcome;
}

/** Why the plan ran out: each failed attempt and each candidate that was never tried. */
export class PlanExhausted {
  constructor(
    readonly failures: Array<{ deployment: string; error: JunctionError }>,
    /** `retryInMs`: when the deployment's breaker will admit a probe again. */
    readonly skipped: Array<{ deployment: string; reason: string; retryInMs?: number }>,
  ) {}
}

export async function executePlan<T>(options: ExecuteOptions<T>): Promise<ExecuteResult<T>> {
  const { plan, route, store, now } = options;
  if (plan.attempts.length === 0) {
    const why = plan.excluded.map((item) => `${item.deployment}: ${item.reason}`).join('; ');
    throw new JunctionError('capability_unsupported', `no deployment of route ${plan.route} can serve this request${why ? ` (${why})` : ''}`, {
      details: { excluded: plan.excluded },
    });
  }
  const failures: PlanExhausted['failures'] = [];
  const skipped: PlanExhausted['skipped'] = [];
  let winner: PlannedAttempt | undefined;
  const claimFor = (candidate: PlannedAttempt) => () => {
    winner ??= candidate;
    return winner === candidate;
  };
  // After a deployment says the prompt is too long, only larger windows are worth trying.
  let tooLongFor = 0;
  let hedgeUsed = route.hedge === undefined;

  for (let position = 0; position < plan.attempts.length; position += 1) {
    const candidate = plan.attempts[position];
    if (candidate.deployment.contextWindow <= tooLongFor) {
      skipped.push({ deployment: candidate.deployment.id, reason: `context window ${candidate.deployment.contextWindow} is not larger than one that refused the prompt` });
      continue;
    }
    const decided = store.admit(candidate.deployment.id, now(), timeLeft(options));
    const admission = decided instanceof Promise ? await decided : decided;
    if (!admission.admitted) {
      const retryAt = store.snapshot(candidate.deployment.id, now()).breaker.retryAt;
      skipped.push({ deployment: candidate.deployment.id, reason: admission.reason, ...(retryAt === undefined ? {} : { retryInMs: Math.max(0, retryAt - now()) }) });
      continue;
    }

    if (!hedgeUsed && position + 1 < plan.attempts.length) {
      hedgeUsed = true;
      const twin = plan.attempts[position + 1];
      const hedged = await runHedged(options, candidate, admission.probe, twin, claimFor, failures, () => timeLeft(options));
      if (hedged.result) return hedged.result;
      if (hedged.twinStarted) position += 1;
      continue;
    }

    // Each try is admitted by the breaker on its own, and a probe slot it holds is released by its own end.
    let probe = admission.probe;
    for (let retry = 0; ; retry += 1) {
      try {
        const value = await runAttempt(options, candidate, { probe, claim: claimFor(candidate) });
        return { value, candidate, hedge: 'none' };
      } catch (thrown) {
        const error = thrown as JunctionError;
        if (!error.retryable || options.canFallBack?.() === false) throw error;
        failures.push({ deployment: candidate.deployment.id, error });
        if (error.code === 'context_length_exceeded') tooLongFor = Math.max(tooLongFor, candidate.deployment.contextWindow);
        const wait = retryWait(options, error, retry, position < plan.attempts.length - 1);
        if (wait === undefined) break;
        await options.sleep(wait, options.cancel).catch(() => {
          throw transportError(new Error('aborted while waiting to retry'), options.cancel, candidate.provider);
        });
        const again = await store.admit(candidate.deployment.id, now(), timeLeft(options));
        if (!again.admitted) break;
        probe = again.probe;
      }
    }
  }
  throw new PlanExhausted(failures, skipped);
}

/** What is left of the request's deadline: the longest a breaker admit may wait on shared state. */
function timeLeft(options: ExecuteOptions<unknown>): number | undefined {
  return options.deadline === undefined ? undefined : options.deadline - options.now();
}

/** How long to wait before retrying the same deployment, or undefined to move on. */
function retryWait(options: ExecuteOptions<unknown>, error: JunctionError, retry: number, hasAlternatives: boolean): number | undefined {
  const { retry: policy } = options.route;
  if (retry >= policy.attempts) return undefined;
  // These say the deployment cannot serve this request however often we ask.
  if (error.code === 'upstream_auth' || error.code === 'context_length_exceeded') return undefined;
  // An upstream that asked us to wait is better left alone while another deployment can answer now.
  if (error.retryAfterMs !== undefined && (hasAlternatives || error.retryAfterMs > policy.maxDelayMs)) return undefined;
  // A timeout has already cost the caller the whole wait: another deployment, when there is one, is the better bet.
  if (error.code === 'upstream_timeout' && hasAlternatives) return undefined;
  if (!options.budget.tryWithdraw()) return undefined;
  return error.retryAfterMs ?? backoffDelay(retry, policy.baseDelayMs, policy.maxDelayMs, options.random);
}
