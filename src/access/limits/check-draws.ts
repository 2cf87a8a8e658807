/**
 * What the stores accept, checked before anything is taken: amounts are whole, non-negative
 * and exact (safe integers), rules are well formed, and a settlement says what each draw used.
 * A bad draw is the caller's bug, so it throws a RangeError rather than refusing the request.
 */
import type { Draw, LimitRule, Reservation } from './types';

export function checkDraws(draws: readonly Draw[], leaseMs: number): void {
  if (!(leaseMs > 0)) throw new RangeError(`a reservation's lease must be positive, not ${leaseMs} ms`);
  for (let index = 0; index < draws.length; index += 1) {
    const draw = draws[index]!;
    if (!isAmount(draw.amount)) badAmount(draw.amount, `draw ${index} (${draw.rule.key})`);
    checkRule(draw.rule);
  }
}

export function checkActual(reservation: Reservation, actual: readonly number[]): void {
  if (actual.length !== reservation.draws.length) {
    throw new RangeError(`a settlement gives one actual amount per draw: ${reservation.draws.length} expected, ${actual.length} given`);
  }
  for (let index = 0; index < actual.length; index += 1) {
    if (!isAmount(actual[index]!)) badAmount(actual[index]!, `actual amount ${index} (${reservation.draws[index]!.rule.key})`);
  }
}

// Checked on every reservation and settlement: the message is built only for a bad amount.
function isAmount(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount >= 0;
}

function badAmount(amount: number, what: string): never {
  throw new RangeError(`${what} must be a whole number ≥ 0, not ${amount}`);
}

function checkRule(rule: LimitRule): void {
  switch (rule.kind) {
    case 'rate':
      if (!(rule.perMinute > 0) || !Number.isFinite(rule.perMinute)) throw new RangeError(`rate ${rule.key}: perMinute must be a positive number, not ${rule.perMinute}`);
      if (!(rule.capacity >= 1) || !Number.isFinite(rule.capacity)) throw new RangeError(`rate ${rule.key}: capacity must be at least 1, not ${rule.capacity}`);
      return;
    case 'quota':
      if (!Number.isSafeInteger(rule.limit) || rule.limit < 0) throw new RangeError(`quota ${rule.key}: limit must be a whole number ≥ 0, not ${rule.limit}`);
      if (Number.isNaN(rule.windowEnd)) throw new RangeError(`quota ${rule.key}: windowEnd must be an instant or Infinity`);
      return;
    case 'concurrency':
      if (!Number.isSafeInteger(rule.limit) || rule.limit < 0) throw new RangeError(`concurrency ${rule.key}: limit must be a whole number ≥ 0, not ${rule.limit}`);
      return;
  }
}
