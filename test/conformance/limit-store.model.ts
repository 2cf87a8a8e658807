/**
 * A reference model of the LimitStore contract, written from its definition and nothing else,
 * for the conformance suite's property tests: GCRA kept as the theoretical arrival time itself
 * (so only rates whose interval 60 000 / perMinute is a whole number of ms are modelled, where
 * the arithmetic is exact), quotas and concurrency as lists of holds. Deliberately plain: it is
 * what the stores are checked against.
 */
import type { Crossing, Draw, Headroom, LimitRule, Refusal } from '../../src/access/limits/types';

interface ModelHold {
  amount: number;
  expiresAt: number;
}

interface HeldCounter {
  used: number;
  holds: Map<string, ModelHold>;
}

export type ModelOutcome = { admitted: true; headroom: Headroom[] } | { admitted: false; refusal: Refusal };

export class LimitModel {
  private readonly tats = new Map<string, number>();
  private readonly counters = new Map<string, HeldCounter>();
  private readonly settled = new Set<string>();

  reserve(id: string, draws: Draw[], now: number, leaseMs: number): ModelOutcome {
    const tats = new Map<string, number>();
    const counters = new Map<string, { used: number; reserved: number }>();
    const headroom: Headroom[] = [];
    for (const [index, { rule, amount }] of draws.entries()) {
      if (rule.kind === 'rate') {
        const interval = intervalOf(rule.perMinute);
        const tat = Math.max(tats.get(rule.key) ?? this.tats.get(rule.key) ?? now, now);
        if (tat + amount * interval - now > rule.capacity * interval) {
          const retryAfterMs = amount > rule.capacity ? Infinity : tat + amount * interval - rule.capacity * interval - now;
          return refuse(rule, index, retryAfterMs, rule.capacity, Math.floor((rule.capacity * interval - (tat - now)) / interval));
        }
        tats.set(rule.key, tat + amount * interval);
        headroom.push({ remaining: Math.floor((rule.capacity * interval - (tat + amount * interval - now)) / interval), resetMs: tat + amount * interval - now });
        continue;
      }
      const live = this.liveHolds(rule, now);
      const current = counters.get(counterKey(rule)) ?? { used: this.counters.get(counterKey(rule))?.used ?? 0, reserved: sum(live) };
      const windowEnd = rule.kind === 'quota' ? rule.windowEnd : Infinity;
      if (current.used + current.reserved + amount > rule.limit) {
        return refuse(rule, index, this.retryAfter(rule, current, amount, live, windowEnd, now), rule.limit, Math.max(rule.limit - current.used - current.reserved, 0));
      }
      const after = { used: current.used, reserved: current.reserved + amount };
      counters.set(counterKey(rule), after);
      headroom.push({ remaining: rule.limit - after.used - after.reserved, resetMs: rule.kind === 'quota' ? Math.max(windowEnd - now, 0) : 0 });
    }
    for (const [key, tat] of tats) this.tats.set(key, tat);
    for (const [index, { rule, amount }] of draws.entries()) {
      if (rule.kind !== 'rate') this.counter(rule).holds.set(`${index}:${id}`, { amount, expiresAt: now + leaseMs });
    }
    return { admitted: true, headroom };
  }

  settle(id: string, draws: Draw[], actual: number[], now: number): Crossing[] {
    if (this.settled.has(id)) return [];
    this.settled.add(id);
    const crossings: Crossing[] = [];
    for (const [index, { rule, amount }] of draws.entries()) {
      if (rule.kind === 'rate') {
        const interval = intervalOf(rule.perMinute);
        const tat = Math.max(this.tats.get(rule.key) ?? now, now) + (actual[index] - amount) * interval;
        this.tats.set(rule.key, Math.max(tat, now));
        continue;
      }
      const counter = this.counter(rule);
      counter.holds.delete(`${index}:${id}`);
      if (rule.kind === 'quota') {
        const before = counter.used;
        counter.used += actual[index];
        for (const fraction of rule.alertAt ?? []) {
          if (before < fraction * rule.limit && fraction * rule.limit <= counter.used) crossings.push({ rule, threshold: fraction, used: counter.used });
        }
      }
    }
    return crossings;
  }

  usage(rule: LimitRule, now: number): { used: number; reserved: number } {
    if (rule.kind === 'rate') {
      const debt = Math.max((this.tats.get(rule.key) ?? now) - now, 0);
      return { used: Math.ceil(debt / intervalOf(rule.perMinute)), reserved: 0 };
    }
    const reserved = sum(this.liveHolds(rule, now));
    return rule.kind === 'quota' ? { used: this.counters.get(counterKey(rule))?.used ?? 0, reserved } : { used: reserved, reserved: 0 };
  }

  /** Holds not lapsed at `now`, earliest lease end first. */
  private liveHolds(rule: LimitRule, now: number): ModelHold[] {
    const holds = [...(this.counters.get(counterKey(rule))?.holds.values() ?? [])];
    return holds.filter((hold) => now <= hold.expiresAt).sort((a, b) => a.expiresAt - b.expiresAt);
  }

  private retryAfter(rule: LimitRule & { limit: number }, current: { used: number; reserved: number }, amount: number, live: ModelHold[], windowEnd: number, now: number): number {
    if (amount > rule.limit) return Infinity;
    const untilEnd = Math.max(windowEnd - now, 0);
    if (current.used + amount > rule.limit) return untilEnd;
    let room = rule.limit - current.used - current.reserved;
    for (const hold of live) {
      room += hold.amount;
      if (room >= amount) return Math.min(hold.expiresAt + 1 - now, untilEnd);
    }
    return untilEnd;
  }

  private counter(rule: LimitRule): HeldCounter {
    const key = counterKey(rule);
    let counter = this.counters.get(key);
    if (counter === undefined) {
      counter = { used: 0, holds: new Map() };
      this.counters.set(key, counter);
    }
    return counter;
  }
}

function intervalOf(perMinute: number): number {
  const interval = 60_000 / perMinute;
  if (!Number.isInteger(interval)) throw new Error(`the model only handles whole-millisecond intervals, not 60 000 / ${perMinute}`);
  return interval;
}

const counterKey = (rule: LimitRule) => `${rule.kind}:${rule.key}`;
const sum = (holds: ModelHold[]) => holds.reduce((total, hold) => total + hold.amount, 0);

function refuse(rule: LimitRule, index: number, retryAfterMs: number, limit: number, remaining: number): ModelOutcome {
  return { admitted: false, refusal: { rule, index, retryAfterMs, limit, remaining: Math.max(remaining, 0) } };
}
