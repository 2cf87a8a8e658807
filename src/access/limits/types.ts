/**
 * The LimitStore port: counters that requests draw on (rate limits, quotas and budgets,
 * concurrency), reserved atomically before a request runs and settled after it ends. One
 * process keeps them in memory; replicas share them in Redis, where a reservation is one
 * atomic script (one round trip for all of a request's draws) and so is a settlement.
 *
 * Amounts are integers in the counter's own unit: requests, tokens, or nano-USD for budgets
 * (integers add up exactly; floating-point dollars would not).
 */

/** One counter. `key` names it uniquely and is the caller's to build (e.g. `key:<id>:rpm`). */
export type LimitRule =
  /**
   * A steady rate with a burst allowance (GCRA): `perMinute` units a minute, and at most
   * `capacity` units at once (capacity ≥ 1). Between any two admissions T ms apart, the units
   * taken from the bucket (admitted, less what settlements in that span gave back, plus what
   * they charged beyond the reservation) never exceed capacity + T × perMinute / 60 000.
   * Arithmetic is exact when `perMinute`, `capacity`, amounts and instants are integers.
   */
  | { kind: 'rate'; key: string; perMinute: number; capacity: number }
  /**
   * A fixed window (a calendar day, week or month, or a lifetime): used + reserved never
   * exceeds `limit`. The window's start is part of `key` (the caller's choice); `windowEnd`
   * (Unix ms, Infinity for a lifetime) says when a refusal lifts and when the counter may be
   * dropped (an hour after it ends, or after its last hold's lease if later). `alertAt` are fractions of `limit` (e.g. 0.8, 0.95) whose crossing by `used` a
   * settlement reports, exactly once per window across all replicas.
   */
  | { kind: 'quota'; key: string; limit: number; windowEnd: number; alertAt?: number[] }
  /** At most `limit` held at once: each reservation holds its draw's amount (usually 1) until settled or lapsed. */
  | { kind: 'concurrency'; key: string; limit: number };

/** What one request takes from one counter. */
export interface Draw {
  rule: LimitRule;
  amount: number;
}

/** Why a reservation was refused: the first rule (in draw order) that could not take its draw. */
export interface Refusal {
  rule: LimitRule;
  /** Index of that draw. */
  index: number;
  /**
   * How long until the draw could fit, as far as the store can tell (ms): for a rate, when
   * enough has drained; for a quota or concurrency, when the window ends or, if holds are in
   * the way, when enough of them lapse (if not settled sooner). Infinity when it never will
   * (a draw above the limit or capacity, or a lifetime quota spent).
   */
  retryAfterMs: number;
  limit: number;
  remaining: number;
}

/** Headroom left on one counter after a reservation, for `x-ratelimit-*` headers. */
export interface Headroom {
  remaining: number;
  /** Milliseconds until the counter is back to full (rate) or its window ends (quota; Infinity for a lifetime); 0 for concurrency. */
  resetMs: number;
}

export interface Reservation {
  id: string;
  draws: Draw[];
  /** After this instant an unsettled reservation lapses: its quota and concurrency holds are released. */
  expiresAt: number;
  /** Per draw, in order. */
  headroom: Headroom[];
}

export type ReserveOutcome = { admitted: true; reservation: Reservation } | { admitted: false; refusal: Refusal };

/** A soft threshold a settlement pushed `used` across. */
export interface Crossing {
  rule: LimitRule;
  /** The `alertAt` fraction crossed. */
  threshold: number;
  used: number;
}

export interface LimitStore {
  /** A shared store: resolves once connected (never, while its server is away). A memory store has none. */
  ready?: Promise<void>;
  /**
   * All draws or none. `leaseMs` bounds how long the holds last if the reservation is never
   * settled (its owner died). A shared store that cannot answer within its time limit throws a
   * JunctionError `limits_unavailable`.
   */
  reserve(draws: Draw[], now: number, leaseMs: number): ReserveOutcome | Promise<ReserveOutcome>;
  /**
   * Ends a reservation: `actual[i]` is what draw i really used (more or less than reserved).
   * Quotas are charged `actual`; rates are refunded (or charged) the difference; holds are
   * released. Settling twice charges once (while the reservation is remembered: until a minute
   * after its lease would have ended). A settlement after the lease ended still charges. A
   * shared store that cannot be reached keeps the settlement and retries it in the background,
   * answering no crossings now (it tells those it finds later to its own listener).
   */
  settle(reservation: Reservation, actual: number[], now: number): Crossing[] | Promise<Crossing[]>;
  /**
   * Current use of each rule, for reports: `used` (quota: charged, rate: units in the bucket
   * rounded up, concurrency: held) and `reserved` (quota: held; 0 for the others).
   */
  usage(rules: LimitRule[], now: number): Promise<Array<{ used: number; reserved: number }>>;
  close(): Promise<void>;
}
