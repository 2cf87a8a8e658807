/**
 * What the Redis LimitStore sends to its scripts and how it reads their answers: keys and
 * arguments laid out as limit-scripts.ts expects them, replies turned back into the port's
 * types. Pure, so the layout is tested without Redis.
 */
import { QUOTA_KEEP_MS, SETTLED_KEEP_MS } from '../holds';
import type { Crossing, Draw, Headroom, LimitRule, Reservation, ReserveOutcome } from '../types';

/**
 * How long a rate counter's key outlives the instant its bucket is full again (ms). Its TTL
 * runs on Redis's clock while its debt is paid off on the callers': the margin keeps a caller
 * whose clock lags (or a test's injected one) from finding a bucket full too soon.
 */
export const RATE_KEEP_MS = 60_000;

export interface ScriptCall {
  keys: string[];
  args: Array<string | number>;
}

/** A rule's keys: a rate's one hash; a quota's or concurrency's hash and its holds. */
function keysOf(prefix: string, rule: LimitRule): string[] {
  switch (rule.kind) {
    case 'rate':
      return [`${prefix}lim:r:${rule.key}`];
    case 'quota':
      return [`${prefix}lim:q:${rule.key}`, `${prefix}lim:qh:${rule.key}`];
    case 'concurrency':
      return [`${prefix}lim:c:${rule.key}`, `${prefix}lim:ch:${rule.key}`];
  }
}

const KIND = { rate: 'r', quota: 'q', concurrency: 'c' } as const;

/** How long (ms from now) a counter holding a hold with this lease must be kept; '' for ever. */
function keepMs(rule: LimitRule, expiresAt: number, now: number): number | '' {
  switch (rule.kind) {
    case 'rate':
      return RATE_KEEP_MS;
    case 'quota':
      return rule.windowEnd === Number.POSITIVE_INFINITY ? '' : Math.ceil(Math.max(rule.windowEnd, expiresAt) - now + QUOTA_KEEP_MS);
    case 'concurrency':
      return Math.ceil(expiresAt - now + QUOTA_KEEP_MS);
  }
}

/** A finite instant as sent, or '' for none. */
const instant = (value: number): number | '' => (value === Number.POSITIVE_INFINITY ? '' : value);

export function reserveCall(prefix: string, draws: readonly Draw[], id: string, now: number, expiresAt: number): ScriptCall {
  const keys: string[] = [];
  const args: Array<string | number> = [now, expiresAt, id];
  for (const { rule, amount } of draws) {
    keys.push(...keysOf(prefix, rule));
    const [first, second] = rule.kind === 'rate' ? [rule.perMinute, rule.capacity] : [rule.limit, rule.kind === 'quota' ? instant(rule.windowEnd) : ''];
    args.push(KIND[rule.kind], amount, first, second, keepMs(rule, expiresAt, now));
  }
  return { keys, args };
}

export function readReserveReply(reply: number[], draws: Draw[], id: string, expiresAt: number): ReserveOutcome {
  if (reply[0] === 0) {
    const index = reply[1];
    return { admitted: false, refusal: { rule: draws[index].rule, index, retryAfterMs: infinite(reply[2]), limit: reply[3], remaining: reply[4] } };
  }
  const headroom: Headroom[] = draws.map((_, index) => ({ remaining: reply[1 + 2 * index], resetMs: infinite(reply[2 + 2 * index]) }));
  return { admitted: true, reservation: { id, draws, expiresAt, headroom } };
}

export function settleCall(prefix: string, reservation: Reservation, actual: readonly number[], now: number): ScriptCall {
  const keys = [`${prefix}lim:s:${reservation.id}`];
  const args: Array<string | number> = [now, reservation.id, Math.ceil(Math.max(reservation.expiresAt - now, 0) + SETTLED_KEEP_MS)];
  reservation.draws.forEach(({ rule, amount }, index) => {
    keys.push(...keysOf(prefix, rule));
    const first = rule.kind === 'rate' ? rule.perMinute : rule.limit;
    const alerts = rule.kind === 'quota' ? (rule.alertAt ?? []).join(',') : '';
    args.push(KIND[rule.kind], amount, actual[index], first, keepMs(rule, reservation.expiresAt, now), alerts);
  });
  return { keys, args };
}

/** The crossings a settlement reported; none if the reservation was settled before. */
export function readSettleReply(reply: number[], reservation: Reservation): Crossing[] {
  const crossings: Crossing[] = [];
  for (let at = 1; at + 2 < reply.length; at += 3) {
    const rule = reservation.draws[reply[at]].rule;
    if (rule.kind !== 'quota') continue;
    crossings.push({ rule, threshold: rule.alertAt![reply[at + 1]], used: reply[at + 2] });
  }
  return crossings;
}

export function usageCall(prefix: string, rules: readonly LimitRule[], now: number): ScriptCall {
  const keys: string[] = [];
  const args: Array<string | number> = [now];
  for (const rule of rules) {
    keys.push(...keysOf(prefix, rule));
    args.push(KIND[rule.kind], rule.kind === 'rate' ? rule.perMinute : '');
  }
  return { keys, args };
}

export function readUsageReply(reply: number[]): Array<{ used: number; reserved: number }> {
  const usage: Array<{ used: number; reserved: number }> = [];
  for (let at = 0; at + 1 < reply.length; at += 2) usage.push({ used: reply[at], reserved: reply[at + 1] });
  return usage;
}

/** The scripts say -1 for never. */
function infinite(value: number): number {
  return value < 0 ? Number.POSITIVE_INFINITY : value;
}
