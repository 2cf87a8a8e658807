/**
 * A child AbortController that aborts when any parent signal does, with the parent's reason,
 * and detaches from its parents when disposed. Used instead of AbortSignal.any on the request
 * path: every request links a few signals, and listeners left on long-lived parents would keep
 * finished requests alive.
 */
export interface LinkedSignal {
  signal: AbortSignal;
  /** Abort this child only (e.g. its own timeout), with a reason. */
  abort(reason: unknown): void;
  /** Stop listening to the parents. Call when the work the signal guards is over. */
  dispose(): void;
}

export function linkedSignal(parents: readonly AbortSignal[]): LinkedSignal {
  const controller = new AbortController();
  const onAbort = function propagate(this: AbortSignal) {
    controller.abort(this.reason);
  };
  for (const parent of parents) {
    if (parent.aborted) {
      controller.abort(parent.reason);
      break;
    }
    parent.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => {
      for (const parent of parents) parent.removeEventListener('abort', onAbort);
    },
  };
}
