/**
 * One attempt on one deployment: its timeouts (the first byte, the whole attempt), its health
 * bookkeeping, its ledger record and its event, whatever its end.
 */
import type { Usage } from '../../canonical/types';
import { JunctionError } from '../../errors';
import { classifyAttempt } from '../../routing/classify-attempt';
import type { PlannedAttempt } from '../../routing/plan';
import type { AttemptVerdict } from '../../resilience/types';
import type { GatewayEvent } from '../events';
import { Cancel } from './cancel';
import type { AttemptContext, ExecuteOptions } from './executor';
import { timeouts, type Timeout } from './timeouts';
import { transportError, type AbortCause } from './upstream-client';

export interface RunOptions {
  /** A half-open probe: its end releases the breaker's probe slot. */
  probe: boolean;
  /** Claims the response for this attempt; false when another attempt already did. */
  claim: () => boolean;
  /** A hedged twin overlaps the first attempt, so its time is not added to the upstream total. */
  twin?: boolean;
}

export async function runAttempt<T>(options: ExecuteOptions<T>, candidate: PlannedAttempt, { probe, claim, twin = false }: RunOptions): Promise<T> {
  const { record, store, now, route } = options;
  const id = candidate.deployment.id;
  const startedAt = now();
  const startedPrecise = performance.now();
  const cancel = Cancel.child(options.cancel);
  const attemptTimeoutMs = route.attemptTimeoutMs ?? candidate.provider.timeoutMs;
  const timeout = timeouts.start(attemptTimeoutMs, cancel, 'attempt-timeout' satisfies AbortCause);
  const firstByteMs = options.firstByteTimeoutMs?.(candidate, attemptTimeoutMs);
  const firstByte = firstByteMs === undefined ? undefined : timeouts.start(firstByteMs, cancel, 'first-byte-timeout' satisfies AbortCause);
  const attempt = new Attempt(candidate, cancel, timeout, firstByte, claim, now);
  store.attemptStarted(id, startedAt);
  try {
    const value = await options.attempt(attempt);
    const { usage } = attempt;
    const latencyMs = now() - startedAt;
    store.attemptEnded(id, { verdict: 'success', latencyMs, ttftMs: (attempt.claimedAt ?? now()) - startedAt, tokens: tokensOf(usage), probe }, now());
    const costUsd = record.addAttempt(candidate.deployment, 'success', startedAt, usage);
    announce(options, candidate, 'success', latencyMs, usage, costUsd);
    record.answeredBy(candidate.deployment);
    return value;
  } catch (thrown) {
    const { usage } = attempt;
    const error = thrown instanceof JunctionError ? thrown : transportError(thrown, cancel, candidate.provider);
    const aborted = error.code === 'client_closed' || error.code === 'request_timeout' || error.code === 'attempt_cancelled';
    const latencyMs = now() - startedAt;
    // A hedge race's loser that got as far as answering was alive, only slower: that is health
    // news (a latency sample), not a failure. One cut short before its first byte says nothing.
    const answeredLate = error.code === 'attempt_cancelled' && attempt.claimTriedAt !== undefined;
    const verdict: AttemptVerdict = answeredLate ? 'success' : aborted ? 'neutral' : classifyAttempt(error.code);
    store.attemptEnded(
      id,
      {
        verdict,
        latencyMs,
        ...(answeredLate ? { ttftMs: attempt.claimTriedAt! - startedAt } : {}),
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
    // It answered the caller (a stream that broke after its first byte): the ledger names it, as the response headers did.
    if (attempt.claimedAt !== undefined) record.answeredBy(candidate.deployment);
    throw error;
  } finally {
    timeout.stop();
    firstByte?.stop();
    cancel.dispose();
    // A hedged twin runs alongside the first attempt: only time no other attempt covered is Junction's.
    if (!twin) record.addUpstreamTime(performance.now() - startedPrecise);
  }
}

/** The AttemptContext of one attempt: methods on one object rather than a closure each. */
class Attempt implements AttemptContext {
  usage: Usage | undefined;
  claimedAt: number | undefined;
  /** When the attempt first tried to claim the response, won or lost. */
  claimTriedAt: number | undefined;

  constructor(
    readonly candidate: PlannedAttempt,
    readonly cancel: Cancel,
    private readonly timeout: Timeout,
    private readonly firstByteTimeout: Timeout | undefined,
    private readonly claimFirst: () => boolean,
    private readonly now: () => number,
  ) {}

  firstByte(): void {
    this.firstByteTimeout?.stop();
  }

  clearTimeout(): void {
    this.timeout.stop();
  }

  reportUsage(usage: Usage): void {
    this.usage = usage;
  }

  claim(): boolean {
    this.claimTriedAt ??= this.now();
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
