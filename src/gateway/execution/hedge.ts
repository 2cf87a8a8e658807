/**
 * Hedging: when the first attempt has not answered by the hedge delay, a second one starts on the
 * next deployment and the first to answer wins. The other is not cut off at once: it runs on,
 * never writing, until its own first byte or first-byte timeout, so a deployment that never
 * answers is counted as failing even though every race against it was won by its twin (and one
 * that was only slower leaves a latency sample). The request does not wait for it; its ledger
 * entry does.
 */
import type { JunctionError } from '../../errors';
import type { PlannedAttempt } from '../../routing/plan';
import { runAttempt } from './attempt';
import { Cancel } from './cancel';
import type { ExecuteOptions, ExecuteResult, HedgeOutcome, PlanExhausted } from './executor';

type Settled<T> = { value: T } | { error: JunctionError };

export interface HedgedRun<T> {
  result?: ExecuteResult<T>;
  /** The twin was started: the plan's next candidate has had its turn. */
  twinStarted: boolean;
}

export async function runHedged<T>(
  options: ExecuteOptions<T>,
  first: PlannedAttempt,
  firstIsProbe: boolean,
  twin: PlannedAttempt,
  claimFor: (candidate: PlannedAttempt) => () => boolean,
  failures: PlanExhausted['failures'],
  admitWithin: () => number | undefined,
): Promise<HedgedRun<T>> {
  const { store, now } = options;
  let claimed: PlannedAttempt | undefined;
  const claim = (candidate: PlannedAttempt) => () => {
    if (!claimFor(candidate)()) return false;
    claimed ??= candidate;
    return true;
  };
  const runs = new Map<PlannedAttempt, Promise<Settled<T>>>();
  runs.set(first, settle(runAttempt(options, first, { probe: firstIsProbe, claim: claim(first) })));
  const wait = Cancel.child(options.cancel);
  const fired = await Promise.race([runs.get(first)!.then(() => false), options.sleep(hedgeDelay(options, first), wait).then(() => true, () => false)]);
  wait.abort('hedge-decided');

  if (fired && claimed === undefined) {
    const admission = await store.admit(twin.deployment.id, now(), admitWithin());
    if (admission.admitted) runs.set(twin, settle(runAttempt(options, twin, { probe: admission.probe, claim: claim(twin), twin: true })));
  }
  const twinStarted = runs.has(twin);
  // Whatever is still running when the request has its answer (or its final error) is the
  // request's to account for, not to wait on.
  const leaveRunning = () => {
    for (const run of runs.values()) options.record.defer(run);
  };

  while (runs.size > 0) {
    const [candidate, outcome] = await Promise.race([...runs].map(([candidate, run]) => run.then((settled) => [candidate, settled] as const)));
    runs.delete(candidate);
    if ('value' in outcome) {
      leaveRunning();
      const hedge: HedgeOutcome = !twinStarted ? 'none' : candidate === twin ? 'hedge-won' : 'primary-won';
      return { result: { value: outcome.value, candidate, hedge }, twinStarted };
    }
    const { error } = outcome;
    if (error.code === 'attempt_cancelled') continue;
    // A claimed attempt that failed afterwards has written to the caller: that is final.
    if (!error.retryable || candidate === claimed || options.canFallBack?.() === false) {
      leaveRunning();
      throw error;
    }
    failures.push({ deployment: candidate.deployment.id, error });
  }
  return { twinStarted };
}

function hedgeDelay(options: ExecuteOptions<unknown>, candidate: PlannedAttempt): number {
  const policy = options.route.hedge!;
  if (policy.delayMs !== 'p95') return policy.delayMs;
  return options.store.snapshot(candidate.deployment.id, options.now()).ttftP95Ms ?? policy.fallbackDelayMs;
}

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value }),
    (error: JunctionError) => ({ error }),
  );
}
