/**
 * The StateStore port: where live health and breaker state are kept. One process keeps it in
 * memory; several replicas will share it (Redis). Reads on the hot path are local and
 * synchronous; only what needs agreement across replicas (admitting half-open probes) may be async.
 */
import type { AttemptResult, HealthSnapshot } from '../routing/health';

/** What the breaker decided about one attempt. */
export interface Admission {
  admitted: boolean;
  /** A half-open probe: report its end with `probe: true` so its slot is released. */
  probe: boolean;
  /** Why, in words, for the decision log. */
  reason: string;
}

/** An attempt's result as the executor reports it to the store. */
export type EndedAttempt = AttemptResult & { probe: boolean };

export interface StateStore {
  /** Local view, synchronous, for planning. Unknown deployments get a fresh snapshot (closed breaker, successRate 1). */
  snapshot(deployment: string, now: number): HealthSnapshot;
  /**
   * Ask the breaker to admit one attempt; atomic across replicas in shared implementations (half-open
   * probes are limited globally). A store that decides locally answers at once: the executor skips
   * the await, which is a promise job per attempt. `timeoutMs` is how long the caller can wait
   * (what is left of its deadline): a shared store that has not agreed with the others by then,
   * or by its own time limit if sooner, answers with its local decision.
   */
  admit(deployment: string, now: number, timeoutMs?: number): Admission | Promise<Admission>;
  /** An attempt started (in-flight + 1, request counted in this minute). */
  attemptStarted(deployment: string, now: number): void;
  /** An attempt ended: updates EWMAs, window, consecutive failures, tokens, last error, 429 cool-down, misconfigured flag, and the breaker (releasing a probe slot if it was one). */
  attemptEnded(deployment: string, result: EndedAttempt, now: number): void;
  /** Clear a deployment's misconfigured flag / cool-down (e.g. after config reload). */
  reset(deployment: string): void;
  /** Drop everything known about a deployment: a fresh start (operator action, test isolation). */
  forget(deployment: string): void;
  close(): Promise<void>;
}

