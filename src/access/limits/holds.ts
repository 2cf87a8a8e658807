/**
 * Counters of `quota` and `concurrency` rules, pure: an amount charged (`used`, quotas only)
 * and holds of reservations not yet settled (`reserved`), each held until its lease ends. A
 * draw fits iff used + reserved + amount ≤ limit. A hold lapses once `now` is past its
 * `expiresAt`. The Lua of the Redis store does the same arithmetic.
 */

/** How long a quota counter is kept after its window ends (and after its last hold's lease), for late settlements and reports (ms). */
export const QUOTA_KEEP_MS = 60 * 60_000;

/** How long a settled reservation is remembered after its lease would have ended, so that a retried settlement charges once (ms). */
export const SETTLED_KEEP_MS = 60_000;

export interface Hold {
  amount: number;
  expiresAt: number;
}

/** Whether a hold taken with this lease has lapsed at `now`. */
export function lapsed(expiresAt: number, now: number): boolean {
  return now > expiresAt;
}

export function holdFits(limit: number, used: number, reserved: number, amount: number): boolean {
  return used + reserved + amount <= limit;
}

export function holdRemaining(limit: number, used: number, reserved: number): number {
  const free = limit - used - reserved;
  return free > 0 ? free : 0;
}

/** Milliseconds from `now` until the window ends; Infinity for a lifetime. */
export function windowResetMs(windowEnd: number, now: number): number {
  const ms = windowEnd - now;
  return ms > 0 ? ms : 0;
}

/**
 * Milliseconds from `now` until `amount` fits, as far as the counter can tell: if what is
 * charged leaves no room, when the window ends (a new window starts empty); otherwise when
 * enough holds have lapsed (each at its lease's end, if not settled sooner), but no later than
 * the window's end. Infinity when it never will (more than the limit, or a lifetime quota spent).
 * `holds` are the live holds in order of expiry.
 */
export function holdRetryAfterMs(limit: number, used: number, reserved: number, amount: number, holds: Hold[], windowEnd: number, now: number): number {
  if (amount > limit) return Number.POSITIVE_INFINITY;
  const untilWindowEnd = windowResetMs(windowEnd, now);
  if (used + amount > limit) return untilWindowEnd;
  const excess = used + reserved + amount - limit;
  let freed = 0;
  for (const hold of holds) {
    freed += hold.amount;
    if (freed >= excess) return Math.min(Math.max(hold.expiresAt + 1 - now, 0), untilWindowEnd);
  }
  return untilWindowEnd;
}

/**
 * Indexes of the `alertAt` fractions of `limit` that `used` crossed going from `before` to
 * `after`: a threshold is crossed by the one settlement that takes `used` from below it to it
 * or above.
 */
export function crossedThresholds(limit: number, alertAt: readonly number[], before: number, after: number): number[] {
  const crossed: number[] = [];
  alertAt.forEach((fraction, index) => {
    const threshold = fraction * limit;
    if (before < threshold && threshold <= after) crossed.push(index);
  });
  return crossed;
}
