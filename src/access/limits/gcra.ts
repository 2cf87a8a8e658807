/**
 * The generic cell rate algorithm (GCRA) behind `rate` rules, pure. A counter keeps its
 * theoretical arrival time (TAT): the instant its bucket would be empty again if nothing more
 * were taken. With interval I = 60 000 / perMinute ms per unit, n units are admitted at `now`
 * iff max(TAT, now) + n·I − now ≤ capacity·I, and then TAT becomes max(TAT, now) + n·I. Settling
 * for less moves TAT back by the difference (never before `now`); settling for more moves it on.
 *
 * TAT is kept as a debt, (TAT − at) × perMinute, with `at` the instant it was measured: one unit
 * is then 60 000 debt and each millisecond pays off `perMinute`, so with integer amounts,
 * instants and per-minute rates every quantity is an integer and every comparison exact (a
 * fractional interval such as 60 000 / 7 would make "three units fit a capacity of three" a
 * matter of rounding). The Lua of the Redis store does the same arithmetic in the same order.
 */

/** Debt one unit adds: one unit costs I ms, and debt is counted in ms × perMinute. */
export const UNIT_DEBT = 60_000;

/** A rate counter as stored: no state means a full bucket (no debt). */
export interface RateState {
  /** (TAT − at) × perMinute, ≥ 0. */
  debt: number;
  /** When `debt` was measured (Unix ms); never moves back, so a caller whose clock lags does not pay off debt twice. */
  at: number;
}

export interface RateParams {
  perMinute: number;
  capacity: number;
}

/** The debt at `now`: what is left of `state.debt` after paying off `perMinute` a millisecond since `state.at`. */
export function debtAt(state: RateState | undefined, now: number, perMinute: number): RateState {
  if (state === undefined) return { debt: 0, at: now };
  const elapsed = now - state.at;
  if (elapsed <= 0) return state;
  const paid = elapsed * perMinute;
  return { debt: paid >= state.debt ? 0 : state.debt - paid, at: now };
}

/** Whether `amount` more units fit now. */
export function rateFits(state: RateState, amount: number, params: RateParams): boolean {
  return state.debt + amount * UNIT_DEBT <= params.capacity * UNIT_DEBT;
}

/** The counter after taking `amount` (or, negative, giving it back: never below an empty bucket). */
export function rateTake(state: RateState, amount: number): RateState {
  const debt = state.debt + amount * UNIT_DEBT;
  return { debt: debt > 0 ? debt : 0, at: state.at };
}

/** Whole units that fit now. */
export function rateRemaining(state: RateState, params: RateParams): number {
  const free = Math.floor((params.capacity * UNIT_DEBT - state.debt) / UNIT_DEBT);
  return free > 0 ? free : 0;
}

/** Units in the bucket (taken and not yet paid off), rounded up. */
export function rateUsed(state: RateState): number {
  return Math.ceil(state.debt / UNIT_DEBT);
}

/** Milliseconds from `now` until the bucket is full again (TAT − now). */
export function rateResetMs(state: RateState, now: number, perMinute: number): number {
  const ms = Math.ceil(state.debt / perMinute + (state.at - now));
  return ms > 0 ? ms : 0;
}

/** Milliseconds from `now` until `amount` units fit; Infinity if they never will (more than the capacity). */
export function rateRetryAfterMs(state: RateState, amount: number, params: RateParams, now: number): number {
  if (amount > params.capacity) return Number.POSITIVE_INFINITY;
  const ms = Math.ceil((state.debt + (amount - params.capacity) * UNIT_DEBT) / params.perMinute + (state.at - now));
  return ms > 0 ? ms : 0;
}
