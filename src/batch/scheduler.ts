/**
 * How much batch work may run now. Pure: given each deployment's capacity (requests per minute
 * it can serve, or its rate limit), the interactive load forecast for the buckets ahead, the
 * load it carries right now, a safety margin and the work's deadline, it answers a rate.
 *
 * Batch work fills what interactive traffic leaves, troughs first: of the buckets before the
 * deadline, the quietest ones whose room takes the work (with `slack` to spare) are where it
 * runs, and a busier bucket waits. When the room forecast before the deadline would not be
 * enough, the shortfall runs now anyway: finishing late is worse than a busy hour. Without a
 * forecast every bucket looks like now, and the work runs in whatever room there is.
 */
import { bucketStart } from './forecast';

/** One deployment (or a route's share of them) as the scheduler sees it. */
export interface CapacityView {
  /** Requests per minute it serves without its latency target suffering (or its rate limit). */
  capacityRpm: number;
  /** Interactive requests per minute it carries now (the load book's last minute). */
  currentRpm: number;
  /** Forecast interactive requests per minute for each bucket from the current one on, until the deadline. */
  forecastRpm: readonly number[];
}

export interface ScheduleInput {
  now: number;
  bucketMs: number;
  /** Fraction of capacity kept free for interactive surprises, 0..1. */
  margin: number;
  /** Lines not run yet. */
  remaining: number;
  /** When the work must be done (the batch's expiry). */
  deadline: number;
  capacity: CapacityView;
  /** Room to keep in hand when choosing troughs, as a fraction of the work left (default 0.25); Infinity runs in any room at once. */
  slack?: number;
  /**
   * When the trough plan aims to be done (default: the deadline). Troughs are chosen among the
   * buckets before it, and from it on the work runs in any room: waiting for the last trough
   * before a deadline would leave nothing in hand if the forecast was wrong.
   */
  plannedBy?: number;
}

/** The share of a batch's window its trough plan may use; the rest is kept in hand. */
export const PLANNED_SHARE = 0.9;

export interface ScheduleDecision {
  /** Batch requests per minute to run now. */
  rpm: number;
  /** The room interactive load leaves now (rpm). */
  headroomRpm: number;
  /** Whether the deadline forced a rate above the headroom. */
  forced: boolean;
}

/** Room for batch work at an interactive load of `interactiveRpm`. */
export function headroomRpm(capacityRpm: number, interactiveRpm: number, margin: number): number {
  return Math.max(0, capacityRpm * (1 - margin) - interactiveRpm);
}

export function scheduleBatch(input: ScheduleInput): ScheduleDecision {
  const { now, bucketMs, margin, remaining, deadline, capacity } = input;
  // Interactive load now is whichever is higher, the forecast or what is seen: a surprise peak is honoured at once.
  const interactiveNow = Math.max(capacity.currentRpm, capacity.forecastRpm[0] ?? capacity.currentRpm);
  const headroom = headroomRpm(capacity.capacityRpm, interactiveNow, margin);
  if (remaining <= 0) return { rpm: 0, headroomRpm: headroom, forced: false };
  const minutesLeft = (deadline - now) / 60_000;
  // Past or at the deadline: everything left, at once (the runner expires what it cannot start).
  if (minutesLeft <= 0) return { rpm: Math.max(headroom, remaining), headroomRpm: headroom, forced: true };

  // The buckets from this one to the deadline: their interactive load and the room it leaves.
  const bucketEnd = bucketStart(now, bucketMs) + bucketMs;
  const minutesInBucket = Math.min(minutesLeft, (bucketEnd - now) / 60_000);
  const plannedBy = Math.min(input.plannedBy ?? deadline, deadline);
  const buckets = [{ load: interactiveNow, room: headroom * minutesInBucket }];
  let laterRoom = 0;
  for (let index = 1, start = bucketEnd; start < deadline; index += 1, start += bucketMs) {
    const minutes = Math.min(bucketMs, deadline - start) / 60_000;
    const load = capacity.forecastRpm[index] ?? capacity.forecastRpm.at(-1) ?? capacity.currentRpm;
    const roomRpm = headroomRpm(capacity.capacityRpm, load, margin);
    if (start < plannedBy) buckets.push({ load, room: roomRpm * (Math.min(bucketMs, plannedBy - start) / 60_000) });
    laterRoom += roomRpm * minutes;
  }
  // Whatever the later room cannot take must run in what is left of this bucket.
  const shortfall = remaining - laterRoom;
  const neededRpm = shortfall > 0 ? shortfall / minutesInBucket : 0;
  if (neededRpm > headroom) return { rpm: neededRpm, headroomRpm: headroom, forced: true };
  const troughs = now >= plannedBy || inTroughs(buckets, remaining * (1 + (input.slack ?? 0.25)));
  return { rpm: troughs ? headroom : neededRpm, headroomRpm: headroom, forced: false };
}

/**
 * Whether the current bucket (the first) is among the quietest buckets whose room, together,
 * takes `work`: filled quietest first, ties in time order (so with no forecast, now).
 */
function inTroughs(buckets: ReadonlyArray<{ load: number; room: number }>, work: number): boolean {
  if (!Number.isFinite(work)) return true;
  const order = buckets.map((bucket, index) => ({ ...bucket, index })).sort((a, b) => a.load - b.load || a.index - b.index);
  let room = 0;
  for (const bucket of order) {
    if (bucket.index === 0) return true;
    room += bucket.room;
    if (room >= work) return false;
  }
  return true;
}

/**
 * Turns a rate into whole requests per tick, carrying the fraction to the next tick so that
 * slow rates (a few a minute at one tick a second) still run.
 */
export function linesThisTick(rpm: number, tickMs: number, carry: number): { lines: number; carry: number } {
  const exact = (rpm * tickMs) / 60_000 + carry;
  const lines = Math.floor(exact);
  return { lines, carry: Math.min(exact - lines, 1) };
}
