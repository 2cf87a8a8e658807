/**
 * How long a Redis-backed store waits, on close, for its last work (a final flush, QUIT) before
 * it lets go of the connection anyway: a shutdown never hangs on a dead server.
 */
export const CLOSE_GRACE_MS = 1_000;

/** Resolves when `work` settles or `ms` have passed, whichever is first. */
export function settledOrAfter(work: Promise<unknown>, ms: number = CLOSE_GRACE_MS): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}
