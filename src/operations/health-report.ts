/**
 * A deployment's health as people read it (`GET /v1/providers`, the decision preview): the
 * snapshot with its averages rounded to what is worth showing, 0.1 ms for durations and four
 * decimals for rates. Routing keeps reading the snapshot itself, unrounded: rounding belongs to
 * presentation, and on the hot path it would be work for nothing.
 */
import type { HealthSnapshot } from '../routing/health';

/** Milliseconds to 0.1 ms: `227.075312` → `227.1`. */
export function roundMs(value: number): number;
export function roundMs(value: number | undefined): number | undefined;
export function roundMs(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 10) / 10;
}

/** A share from 0 to 1 to four decimals: `2 / 3` → `0.6667`. */
export function roundRate(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** The snapshot with latency, time to first token and success rate rounded; counts and times as they are. */
export function reportHealth(snapshot: HealthSnapshot): HealthSnapshot {
  return {
    ...snapshot,
    latencyMs: roundMs(snapshot.latencyMs),
    ttftMs: roundMs(snapshot.ttftMs),
    ttftP95Ms: roundMs(snapshot.ttftP95Ms),
    successRate: roundRate(snapshot.successRate),
  };
}
