/**
 * The LimitStore of one process: counters in maps, answers synchronous. Reservation is
 * check-then-apply over a staged copy of the counters it touches, so a refusal on any draw
 * leaves every counter as it was (two draws on one counter see each other).
 *
 * Memory stays bounded without a timer: each call looks at a few entries of each map, in turn,
 * and drops those that have become the same as absent (a rate bucket full again, a counter with
 * nothing charged or held) or that outlived their keeping (a quota a while after its window
 * ended, an unsettled reservation a minute after its lease); a counter's lapsed holds are
 * released when it is next touched, which is also when anyone could see them.
 *
 * Settling twice charges once. Rather than remember every settled reservation until a minute
 * after its lease (with the default five-minute request deadline, six minutes of traffic: over
 * a million entries at a few thousand requests a second), the store remembers the reservations
 * it made that are still open, which are the requests in flight; one of its own reservations
 * that is not open was settled already, until a minute after its lease (past that, it may have
 * lapsed unsettled and been forgotten, and a settlement charges, as a late one must). Only a
 * settlement the open set cannot vouch for (late, or of a reservation another store made) is
 * remembered on its own, for a minute.
 */
import { checkActual, checkDraws } from './check-draws';
import { debtAt, rateFits, rateRemaining, rateResetMs, rateRetryAfterMs, rateTake, rateUsed, type RateState } from './gcra';
import { QUOTA_KEEP_MS, SETTLED_KEEP_MS, crossedThresholds, holdFits, holdRemaining, holdRetryAfterMs, lapsed, windowResetMs, type Hold } from './holds';
import type { Crossing, Draw, Headroom, LimitRule, LimitStore, Reservation, ReserveOutcome } from './types';

export interface MemoryLimitStoreOptions {
  /** Random source in [0, 1) for reservation ids; `Math.random` when absent. */
  random?: () => number;
}

/** A memory store answers at once: reserve and settle return plain values. */
export interface MemoryLimitStore extends LimitStore {
  reserve(draws: Draw[], now: number, leaseMs: number): ReserveOutcome;
  settle(reservation: Reservation, actual: number[], now: number): Crossing[];
  /** Entries kept (counters, open reservations, remembered settlements): for checking that memory stays bounded. */
  size(): number;
}

interface StoredRate {
  state: RateState;
  perMinute: number;
}

/** A quota or concurrency counter's figures as a reservation stages them. */
interface HoldState {
  used: number;
  reserved: number;
}

interface Counter {
  used: number;
  reserved: number;
  /** By reservation id: one hold for all of a reservation's draws on this counter. */
  holds: Map<string, Hold>;
  /** The earliest `expiresAt` of the holds (Infinity when none): nothing can lapse before it. */
  nextLapse: number;
  /** After this the counter is dropped, whatever it holds (a quota's window plus a margin, or its last lease plus one). */
  keepUntil: number;
}

/** Entries of each map looked at per call, in turn: enough to outpace what calls add. */
const SWEEP_STEP = 4;
/**
 * Calls within one millisecond share one sweep, of their entries together: the same entries are
 * looked at, but a small map is walked once rather than once a call (at a few thousand calls a
 * second, walking maps of a handful of entries cost as much as the rest of a reservation).
 */
const MAX_CALLS_PER_SWEEP = 64;

export function createMemoryLimitStore(options: MemoryLimitStoreOptions = {}): MemoryLimitStore {
  const random = options.random ?? Math.random;
  // One map per kind of rule, by the rule's own key: kinds never share a counter, and a key
  // string the caller reuses (its plan's rules) keeps its hash from one call to the next.
  const rates = new Map<string, StoredRate>();
  const quotas = new Map<string, Counter>();
  const slots = new Map<string, Counter>();
  /** Reservations made here and not yet settled, with when they are forgotten (a minute after their lease). */
  const open = new Map<string, number>();
  /** Settlements the open set cannot vouch for (late ones, other stores' reservations), until when they are remembered. */
  const settled = new Map<string, number>();
  let sequence = 0;
  const instance = `${Math.floor(random() * 36 ** 6).toString(36)}-`;

  const sweepRates = sweeper(rates, (entry, now) => debtAt(entry.state, now, entry.perMinute).debt === 0);
  const staleCounter = (counter: Counter, now: number) => {
    releaseLapsed(counter, now);
    return now > counter.keepUntil || isEmpty(counter);
  };
  const sweepQuotas = sweeper(quotas, staleCounter);
  const sweepSlots = sweeper(slots, staleCounter);
  const sweepOpen = sweeper(open, (forgetAt, now) => now > forgetAt);
  const sweepSettled = sweeper(settled, (forgetAt, now) => now > forgetAt);

  let unswept = 0;
  let sweptAt = Number.NaN;
  function sweep(now: number): void {
    unswept += 1;
    if (now === sweptAt && unswept < MAX_CALLS_PER_SWEEP) return;
    const steps = unswept * SWEEP_STEP;
    unswept = 0;
    sweptAt = now;
    sweepRates(now, steps);
    sweepQuotas(now, steps);
    sweepSlots(now, steps);
    sweepOpen(now, steps);
    if (settled.size > 0) sweepSettled(now, steps);
  }

  /** Whether settling `reservation` at `now` would charge it a second time. */
  function settledAlready(reservation: Reservation, now: number): boolean {
    const { id, expiresAt } = reservation;
    if (open.delete(id)) {
      if (now > expiresAt) settled.set(id, now + SETTLED_KEEP_MS);
      return false;
    }
    const forgetAt = settled.get(id);
    if (forgetAt !== undefined && now <= forgetAt) return true;
    // Not open, yet made here: settled while open, in time (a late settlement is remembered above).
    if (id.startsWith(instance) && now <= expiresAt + SETTLED_KEEP_MS) return true;
    settled.set(id, Math.max(expiresAt, now) + SETTLED_KEEP_MS);
    return false;
  }

  function countersOf(rule: LimitRule): Map<string, Counter> {
    return rule.kind === 'quota' ? quotas : slots;
  }

  /** The counter as at `now`, its lapsed holds released; undefined if it is gone or as good as absent. */
  function counterAt(counters: Map<string, Counter>, key: string, now: number): Counter | undefined {
    const counter = counters.get(key);
    if (counter === undefined) return undefined;
    if (now > counter.keepUntil) {
      counters.delete(key);
      return undefined;
    }
    releaseLapsed(counter, now);
    return counter;
  }

  function counterFor(counters: Map<string, Counter>, key: string, now: number): Counter {
    let counter = counterAt(counters, key, now);
    if (counter === undefined) {
      counter = { used: 0, reserved: 0, holds: new Map(), nextLapse: Number.POSITIVE_INFINITY, keepUntil: Number.NEGATIVE_INFINITY };
      counters.set(key, counter);
    }
    return counter;
  }

  function storeRate(key: string, state: RateState, perMinute: number): void {
    if (state.debt === 0) rates.delete(key);
    else rates.set(key, { state, perMinute });
  }

  return {
    reserve(draws: Draw[], now: number, leaseMs: number): ReserveOutcome {
      checkDraws(draws, leaseMs);
      sweep(now);
      // Staged per draw: a rate's state, or a counter's used and reserved, as this reservation
      // leaves it; a later draw on the same counter starts from the earlier one's.
      const staged: Array<RateState | HoldState> = new Array(draws.length);
      const found: Array<Counter | undefined> = new Array(draws.length);
      const headroom: Headroom[] = new Array(draws.length);
      for (let index = 0; index < draws.length; index += 1) {
        const { rule, amount } = draws[index]!;
        const key = rule.key;
        const earlier = sameCounter(draws, index, -1);
        if (rule.kind === 'rate') {
          const state = earlier >= 0 ? (staged[earlier] as RateState) : debtAt(rates.get(key)?.state, now, rule.perMinute);
          if (!rateFits(state, amount, rule)) {
            return refused(rule, index, rateRetryAfterMs(state, amount, rule, now), rule.capacity, rateRemaining(state, rule));
          }
          const after = rateTake(state, amount);
          staged[index] = after;
          headroom[index] = { remaining: rateRemaining(after, rule), resetMs: rateResetMs(after, now, rule.perMinute) };
          continue;
        }
        const counter = (found[index] = counterAt(countersOf(rule), key, now));
        const state = earlier >= 0 ? (staged[earlier] as HoldState) : { used: counter?.used ?? 0, reserved: counter?.reserved ?? 0 };
        const windowEnd = rule.kind === 'quota' ? rule.windowEnd : Number.POSITIVE_INFINITY;
        if (!holdFits(rule.limit, state.used, state.reserved, amount)) {
          const holds = counter === undefined ? [] : [...counter.holds.values()].sort((a, b) => a.expiresAt - b.expiresAt);
          return refused(rule, index, holdRetryAfterMs(rule.limit, state.used, state.reserved, amount, holds, windowEnd, now), rule.limit, holdRemaining(rule.limit, state.used, state.reserved));
        }
        const after = { used: state.used, reserved: state.reserved + amount };
        staged[index] = after;
        headroom[index] = { remaining: holdRemaining(rule.limit, after.used, after.reserved), resetMs: rule.kind === 'quota' ? windowResetMs(windowEnd, now) : 0 };
      }

      sequence += 1;
      const id = instance + sequence.toString(36);
      const expiresAt = now + leaseMs;
      for (let index = 0; index < draws.length; index += 1) {
        const { rule, amount } = draws[index]!;
        if (rule.kind === 'rate') {
          // The last draw on a rate counter holds what all of them took.
          if (sameCounter(draws, index, 1) < 0) storeRate(rule.key, staged[index] as RateState, rule.perMinute);
          continue;
        }
        // The counter looked up above, unless an earlier draw of this reservation made it.
        const counter = found[index] ?? counterFor(countersOf(rule), rule.key, now);
        counter.reserved += amount;
        const held = counter.holds.get(id);
        if (held === undefined) counter.holds.set(id, { amount, expiresAt });
        else held.amount += amount;
        if (expiresAt < counter.nextLapse) counter.nextLapse = expiresAt;
        const keep = keepUntil(rule, expiresAt);
        if (keep > counter.keepUntil) counter.keepUntil = keep;
      }
      open.set(id, expiresAt + SETTLED_KEEP_MS);
      return { admitted: true, reservation: { id, draws, expiresAt, headroom } };
    },

    settle(reservation: Reservation, actual: number[], now: number): Crossing[] {
      checkActual(reservation, actual);
      sweep(now);
      if (settledAlready(reservation, now)) return [];
      const { id, draws, expiresAt } = reservation;
      let crossings: Crossing[] | undefined;
      for (let index = 0; index < draws.length; index += 1) {
        const { rule, amount } = draws[index]!;
        const key = rule.key;
        if (rule.kind === 'rate') {
          // Used as reserved: the bucket is already as it should be.
          if (actual[index] !== amount) storeRate(key, rateTake(debtAt(rates.get(key)?.state, now, rule.perMinute), actual[index]! - amount), rule.perMinute);
          continue;
        }
        const counters = countersOf(rule);
        const counter = counterFor(counters, key, now);
        const hold = counter.holds.get(id);
        // The first of the reservation's draws on this counter releases its hold; a lapsed hold
        // was released already. The charge still counts, the release does not repeat.
        if (hold !== undefined) {
          counter.holds.delete(id);
          counter.reserved -= hold.amount;
        }
        if (rule.kind === 'quota') {
          const before = counter.used;
          counter.used += actual[index]!;
          if (rule.alertAt !== undefined && rule.alertAt.length > 0) {
            for (const threshold of crossedThresholds(rule.limit, rule.alertAt, before, counter.used)) {
              (crossings ??= []).push({ rule, threshold: rule.alertAt[threshold]!, used: counter.used });
            }
          }
        }
        const keep = keepUntil(rule, expiresAt);
        if (keep > counter.keepUntil) counter.keepUntil = keep;
        if (isEmpty(counter)) counters.delete(key);
      }
      return crossings ?? [];
    },

    async usage(rules: LimitRule[], now: number): Promise<Array<{ used: number; reserved: number }>> {
      return rules.map((rule) => {
        if (rule.kind === 'rate') return { used: rateUsed(debtAt(rates.get(rule.key)?.state, now, rule.perMinute)), reserved: 0 };
        const counter = counterAt(countersOf(rule), rule.key, now);
        if (rule.kind === 'quota') return { used: counter?.used ?? 0, reserved: counter?.reserved ?? 0 };
        return { used: counter?.reserved ?? 0, reserved: 0 };
      });
    },

    size(): number {
      return rates.size + quotas.size + slots.size + open.size + settled.size;
    },

    async close(): Promise<void> {
      rates.clear();
      quotas.clear();
      slots.clear();
      open.clear();
      settled.clear();
    },
  };
}

/** The nearest other draw of `draws` on the same counter as draw `index`, looking back (`step` −1) or on (1); −1 if none. */
function sameCounter(draws: readonly Draw[], index: number, step: -1 | 1): number {
  const { kind, key } = draws[index]!.rule;
  for (let other = index + step; other >= 0 && other < draws.length; other += step) {
    const rule = draws[other]!.rule;
    if (rule.kind === kind && rule.key === key) return other;
  }
  return -1;
}

function refused(rule: LimitRule, index: number, retryAfterMs: number, limit: number, remaining: number): ReserveOutcome {
  return { admitted: false, refusal: { rule, index, retryAfterMs, limit, remaining } };
}

/** Until when a counter holding a reservation with this lease is kept. */
function keepUntil(rule: LimitRule, expiresAt: number): number {
  if (rule.kind === 'quota') return Math.max(rule.windowEnd, expiresAt) + QUOTA_KEEP_MS;
  return expiresAt + QUOTA_KEEP_MS;
}

function releaseLapsed(counter: Counter, now: number): void {
  if (!lapsed(counter.nextLapse, now)) return;
  let nextLapse = Number.POSITIVE_INFINITY;
  for (const [member, hold] of counter.holds) {
    if (lapsed(hold.expiresAt, now)) {
      counter.holds.delete(member);
      counter.reserved -= hold.amount;
    } else if (hold.expiresAt < nextLapse) {
      nextLapse = hold.expiresAt;
    }
  }
  counter.nextLapse = nextLapse;
}

function isEmpty(counter: Counter): boolean {
  return counter.used === 0 && counter.reserved === 0 && counter.holds.size === 0;
}

/** Looks at the next `steps` entries of `map` (stopping at its end, to start over next time) and drops the stale ones. */
function sweeper<V>(map: Map<string, V>, stale: (value: V, now: number) => boolean): (now: number, steps: number) => void {
  let cursor = map.entries();
  return function sweepSome(now: number, steps: number): void {
    if (map.size === 0) return;
    for (let step = 0; step < steps; step += 1) {
      const next = cursor.next();
      if (next.done === true) {
        cursor = map.entries();
        return;
      }
      const [key, value] = next.value;
      if (stale(value, now)) map.delete(key);
    }
  };
}
