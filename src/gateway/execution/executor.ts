/**
 * Walks an attempt plan. Per candidate: ask its breaker to admit the attempt, run it under a
 * per-attempt timeout, feed the outcome to health tracking, and on a retryable failure retry
 * the same deployment (full-jitter backoff, Retry-After honoured, within the route's retry
 * budget) before moving to the next candidate. Optionally hedges the first attempt. Every
 * attempt is recorded and announced, whatever its end.
 */
import { classifyAttempt } from '../../routing/classify-attempt';
import { JunctionError } from '../../errors';
import type { Route } from '../../routing/catalog';
import type { AttemptPlan, PlannedAttempt } from '../../routing/plan';
import { backoffDelay, type RetryBudget } from '../../resilience/retry-budget';
import type { Usage } from '../../canonical/types';
import type { StateStore } from '../../state/types';
import type { GatewayEvent, GatewayEvents } from '../events';
import { Cancel } from './cancel';
import type { RequestRecord } from '../request-record';
import { timeouts, type Timeout } from './timeouts';
import { transportError, type AbortCause } from './upstream-client';

export interface AttemptContext {
  candidate: PlannedAttempt;
  /** Cancelled on client disconnect, the request deadline, this attempt's timeout, or a lost hedge race. */
  cancel: Cancel;
  /** Stop this attempt's timeout (a stream delivered its first byte; stalls are caught by the idle timeout). */
  clearTimeout(): void;
  /** Usage known so far, recorded even if the attempt then fails. */
  reportUsage(usage: Usage): void;
  /**
   * Call right before committing anything to the caller. False means a hedged twin already
   * won: the attempt must stop without writing.
   */
  claim(): boolean;
}

export type HedgeOutcome = 'none' | 'primary-won' | 'hedge-won' | 'both-failed';

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
      const hedged = await runHedged(options, candidate, admission.probe, twin, claimFor, failures);
      if (hedged.result) return hedged.result;
      if (hedged.twinStarted) position += 1;
      continue;
    }

    // Each try is admitted by the breaker on its own, and a probe slot it holds is released by its own end.
    let probe = admission.probe;
    for (let retry = 0; ; retry += 1) {
      try {
        const value = await runOne(options, candidate, probe, claimFor(candidate));
        return { value, candidate, hedge: route.hedge ? 'primary-won' : 'none' };
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
  if (!options.budget.tryWithdraw()) return undefined;
  return error.retryAfterMs ?? backoffDelay(retry, policy.baseDelayMs, policy.maxDelayMs, options.random);
}

/**
 * Start `first`; if it has not claimed the response by the hedge delay, start `twin` too. The
 * first to claim wins and the other is cancelled. Both are recorded.
 */
async function runHedged<T>(
  options: ExecuteOptions<T>,
  first: PlannedAttempt,
  firstIsProbe: boolean,
  twin: PlannedAttempt,
  claimFor: (candidate: PlannedAttempt) => () => boolean,
  failures: PlanExhausted['failures'],
): Promise<{ result?: ExecuteResult<T>; twinStarted: boolean }> {
  const { store, now } = options;
  const cancelFirst = new Cancel();
  const cancelTwin = new Cancel();
  let claimed: PlannedAttempt | undefined;
  const claim = (candidate: PlannedAttempt, loser: Cancel) => () => {
    if (!claimFor(candidate)()) return false;
    claimed ??= candidate;
    loser.abort('hedge-lost' satisfies AbortCause);
    return true;
  };
  const firstRun = settle(runOne(options, first, firstIsProbe, claim(first, cancelTwin), cancelFirst));
  const delay = hedgeDelay(options, first);
  const wait = Cancel.child(options.cancel);
  const fired = await Promise.race([firstRun.then(() => false), options.sleep(delay, wait).then(() => true, () => false)]);
  wait.abort('hedge-decided');

  let twinRun: Promise<Settled<T>> | undefined;
  if (fired && claimed === undefined) {
    const admission = await store.admit(twin.deployment.id, now(), timeLeft(options));
    if (admission.admitted) twinRun = settle(runOne(options, twin, admission.probe, claim(twin, cancelFirst), cancelTwin, true));
  }
  const runs: Array<[PlannedAttempt, Promise<Settled<T>>]> = [[first, firstRun]];
  if (twinRun) runs.push([twin, twinRun]);
  const settled = await Promise.all(runs.map(([, run]) => run));
  const hedge: HedgeOutcome = twinRun === undefined ? 'primary-won' : claimed === twin ? 'hedge-won' : 'primary-won';
  for (let index = 0; index < runs.length; index += 1) {
    const outcome = settled[index];
    if ('value' in outcome && runs[index][0] === (claimed ?? runs[index][0])) {
      return { result: { value: outcome.value, candidate: runs[index][0], hedge }, twinStarted: twinRun !== undefined };
    }
  }
  for (let index = 0; index < runs.length; index += 1) {
    const outcome = settled[index];
    if (!('error' in outcome)) continue;
    const error = outcome.error;
    if (error.code === 'attempt_cancelled') continue;
    // A claimed attempt that failed afterwards has written to the caller: that is final.
    if (!error.retryable || runs[index][0] === claimed || options.canFallBack?.() === false) throw error;
    failures.push({ deployment: runs[index][0].deployment.id, error });
  }
  return { twinStarted: twinRun !== undefined };
}

function hedgeDelay(options: ExecuteOptions<unknown>, candidate: PlannedAttempt): number {
  const policy = options.route.hedge!;
  if (policy.delayMs !== 'p95') return policy.delayMs;
  return options.store.snapshot(candidate.deployment.id, options.now()).ttftP95Ms ?? policy.fallbackDelayMs;
}

type Settled<T> = { value: T } | { error: JunctionError };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value }),
    (error: JunctionError) => ({ error }),
  );
}

/** One attempt on one deployment: timeout, health bookkeeping, ledger and event. */
async function runOne<T>(
  options: ExecuteOptions<T>,
  candidate: PlannedAttempt,
  probe: boolean,
  claim: () => boolean,
  hedgeCancel?: Cancel,
  /** A hedged twin overlaps the first attempt, so its time is not added to the upstream total. */
  twin = false,
): Promise<T> {
  const { record, store, now, route } = options;
  const id = candidate.deployment.id;
  const startedAt = now();
  const startedPrecise = performance.now();
  const cancel = hedgeCancel ? Cancel.child(options.cancel, hedgeCancel) : Cancel.child(options.cancel);
  const timeout = timeouts.start(route.attemptTimeoutMs ?? candidate.provider.timeoutMs, cancel, 'attempt-timeout' satisfies AbortCause);
  const attempt = new Attempt(candidate, cancel, timeout, claim, now);
  store.attemptStarted(id, startedAt);
  try {
    const value = await options.attempt(attempt);
    const { usage } = attempt;
    const latencyMs = now() - startedAt;
    store.attemptEnded(id, { verdict: 'success', latencyMs, ttftMs: (attempt.claimedAt ?? now()) - startedAt, tokens: tokensOf(usage), probe }, now());
    const costUsd = record.addAttempt(candidate.deployment, 'success', startedAt, usage);
    announce(options, candidate, 'success', latencyMs, usage, costUsd);
    record.deployment = id;
    return value;
  } catch (thrown) {
    const { usage } = attempt;
    const error = thrown instanceof JunctionError ? thrown : transportError(thrown, cancel, candidate.provider);
    const aborted = error.code === 'client_closed' || error.code === 'request_timeout' || error.code === 'attempt_cancelled';
    const latencyMs = now() - startedAt;
    store.attemptEnded(
      id,
      {
        verdict: aborted ? 'neutral' : classifyAttempt(error.code),
        latencyMs,
        tokens: tokensOf(usage),
        errorCode: error.code,
        errorMessage: error.message,
        ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
        probe,
      },
      now(),
    );
    const costUsd = record.addAttempt(candidate.deployment, aborted ? 'aborted' : 'error', startedAt, usage, error);
    announce(options, candidate, aborted ? 'aborted' : 'error', latencyMs, usage, costUsd, error);
    throw error;
  } finally {
    timeout.stop();
    cancel.dispose();
    // A hedged twin runs alongside the first attempt: only time no other attempt covered is Junction's.
    if (!twin) record.addUpstreamTime(performance.now() - startedPrecise);
  }
}

/** The AttemptContext of one attempt: methods on one object rather than a closure each. */
class Attempt implements AttemptContext {
  usage: Usage | undefined;
  claimedAt: number | undefined;

  constructor(
    readonly candidate: PlannedAttempt,
    readonly cancel: Cancel,
    private readonly timeout: Timeout,
    private readonly claimFirst: () => boolean,
    private readonly now: () => number,
  ) {}

  clearTimeout(): void {
    this.timeout.stop();
  }

  reportUsage(usage: Usage): void {
    this.usage = usage;
  }

  claim(): boolean {
    const won = this.claimFirst();
    if (won) this.claimedAt ??= this.now();
    return won;
  }
}

function tokensOf(usage: Usage | undefined): number {
  return usage ? usage.inputTokens + usage.outputTokens : 0;
}

function announce(
  options: ExecuteOptions<unknown>,
  candidate: PlannedAttempt,
  outcome: 'success' | 'error' | 'aborted',
  durationMs: number,
  usage: Usage | undefined,
  costUsd: number,
  error?: JunctionError,
): void {
  const event: GatewayEvent & { type: 'attempt-end' } = {
    type: 'attempt-end',
    route: options.plan.route,
    deployment: candidate.deployment.id,
    provider: candidate.provider.id,
    outcome,
    durationMs,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    costUsd,
  };
  if (error) event.errorCode = error.code;
  options.events.emit(event);
}
