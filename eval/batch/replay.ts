/**
 * A replayed day of traffic on one deployment, minute by minute, with batch work scheduled
 * three ways: none, by Junction's forecast-driven scheduler (src/batch/scheduler.ts over the
 * seasonal forecast of src/batch/forecast.ts, fitted to a week of history), and flat-out (as
 * fast as the deployment's rate limit lets the batch go, whatever the interactive load).
 *
 * The deployment is a single queue served at `capacityRpm` (M/M/1): in a minute with arrival
 * rate λ below the service rate μ, a request's time in the system is exponential with rate
 * μ − λ; arrivals above what it can serve wait behind a backlog carried into the next minute
 * (a fluid queue). Interactive p99 is the 99th percentile over every interactive request of
 * the day, from that mixture, exactly. Seeded: the same options give the same figures.
 */
import { bucketStart, DAY_MS, fitSeasonal, forecastAccuracy, predictBucket, type LoadPoint } from '../../src/batch/forecast';
import { linesThisTick, PLANNED_SHARE, scheduleBatch } from '../../src/batch/scheduler';
import { seededRandom } from '../../src/resilience/random';

export interface ReplayOptions {
  seed: number;
  /** Requests per minute the deployment serves (μ). */
  capacityRpm: number;
  /** Interactive p99 latency to stay under (ms). */
  p99TargetMs: number;
  /** Batch lines submitted at the start of the day. */
  batchLines: number;
  /** Completion window (ms) from the start of the day. */
  windowMs: number;
  /** Fraction of the scheduler's capacity kept free. */
  margin: number;
  /** Days of history the forecast is fitted to. */
  historyDays: number;
  bucketMs: number;
  /** Flat-out: the batch's own rate limit on the deployment, as a fraction of its capacity. */
  flatOutShare: number;
}

export const DEFAULT_REPLAY: ReplayOptions = {
  seed: 19,
  capacityRpm: 1_200,
  p99TargetMs: 1_000,
  batchLines: 500_000,
  windowMs: DAY_MS,
  margin: 0.05,
  historyDays: 7,
  bucketMs: 15 * 60_000,
  flatOutShare: 0.4,
};

/** The replayed day starts at midnight UTC, a week after the history begins. */
const HISTORY_START = Date.UTC(2026, 10, 2);

export type Mode = 'none' | 'scheduled' | 'flat-out';

export interface ModeOutcome {
  mode: Mode;
  /** Interactive p99 latency over the day (ms). */
  p99Ms: number;
  /** Batch lines run within the window, and when the last ran (minutes after the start; null when none or not all ran). */
  linesRun: number;
  finishedAtMinute: number | null;
  /** Share of batch lines run in minutes whose interactive load was below the day's median. */
  troughShare: number;
  /** Minutes in which the batch ran above the scheduler's headroom because of its deadline. */
  forcedMinutes: number;
}

export interface ReplayOutcome {
  options: ReplayOptions;
  /** The rpm at which an M/M/1 queue's p99 equals the target: the scheduler's capacity. */
  schedulerCapacityRpm: number;
  interactive: { requests: number; peakRpm: number; troughRpm: number };
  forecast: { mape: number; wape: number; buckets: number };
  modes: ModeOutcome[];
  /** Per 15-minute bucket of the replayed day: interactive requests, and batch lines in the scheduled mode. */
  profile: Array<{ minute: number; interactive: number; predicted: number; batch: number }>;
}

/**
 * The day's interactive rate (rpm) at a minute of day: a night trough, a morning and an
 * afternoon peak, an evening bump; a slow growth of 1% a day. (The forecast's season is a day:
 * weekends would want a weekly season too.)
 */
export function dailyRate(minuteOfDay: number, dayIndex: number): number {
  const hour = minuteOfDay / 60;
  const growth = 1 + 0.01 * dayIndex;
  return growth * (120 + 520 * Math.exp(-((hour - 10.5) ** 2) / 5) + 420 * Math.exp(-((hour - 15.5) ** 2) / 6) + 120 * Math.exp(-((hour - 20) ** 2) / 4));
}

/** Interactive requests per minute for `days` days from `firstDay`, with seeded noise. */
function interactiveMinutes(days: number, firstDay: number, random: () => number): number[] {
  const counts: number[] = [];
  for (let day = 0; day < days; day += 1) {
    for (let minute = 0; minute < 1_440; minute += 1) {
      const rate = dailyRate(minute, firstDay + day);
      counts.push(Math.max(0, Math.round(rate + Math.sqrt(rate) * gaussian(random))));
    }
  }
  return counts;
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** The rpm at which an M/M/1 queue at `capacityRpm` has its p99 time in system at `p99Ms`. */
export function rpmAtP99(capacityRpm: number, p99Ms: number): number {
  return Math.max(0, capacityRpm - (Math.log(100) / (p99Ms / 1_000)) * 60);
}

export function replayDay(options: ReplayOptions = DEFAULT_REPLAY): ReplayOutcome {
  const random = seededRandom(options.seed);
  const history = interactiveMinutes(options.historyDays, 0, random);
  const day = interactiveMinutes(1, options.historyDays, random);
  const dayStart = HISTORY_START + options.historyDays * DAY_MS;

  // The forecast, fitted to the history's buckets, then scored against the replayed day.
  const points = bucketsOf(history, HISTORY_START, options.bucketMs);
  const model = fitSeasonal(points, { bucketMs: options.bucketMs })!;
  const actualBuckets = bucketsOf(day, dayStart, options.bucketMs);
  const pairs = actualBuckets.map((point) => ({ predicted: predictBucket(model, point.start), actual: point.requests }));
  const accuracy = forecastAccuracy(pairs);
  const bucketMinutes = options.bucketMs / 60_000;

  const schedulerCapacityRpm = rpmAtP99(options.capacityRpm, options.p99TargetMs);
  const median = [...day].sort((a, b) => a - b)[Math.floor(day.length / 2)]!;

  const run = (mode: Mode): { outcome: ModeOutcome; batchByMinute: number[] } => {
    let remaining = mode === 'none' ? 0 : options.batchLines;
    let carry = 0;
    let forcedMinutes = 0;
    let finishedAtMinute: number | null = null;
    let inTroughs = 0;
    const batchByMinute: number[] = [];
    const windowMinutes = Math.floor(options.windowMs / 60_000);
    for (let minute = 0; minute < day.length; minute += 1) {
      let lines = 0;
      if (remaining > 0 && minute < windowMinutes) {
        if (mode === 'flat-out') {
          lines = Math.floor(options.capacityRpm * options.flatOutShare);
        } else {
          const now = dayStart + minute * 60_000;
          const first = bucketStart(now, options.bucketMs);
          const buckets = Math.ceil((dayStart + options.windowMs - first) / options.bucketMs) + 1;
          const forecastRpm = Array.from({ length: buckets }, (_, index) => predictBucket(model, first + index * options.bucketMs) / bucketMinutes);
          const decision = scheduleBatch({
            now,
            bucketMs: options.bucketMs,
            margin: options.margin,
            remaining,
            deadline: dayStart + options.windowMs,
            plannedBy: dayStart + PLANNED_SHARE * options.windowMs,
            // The load book's reading: the minute just gone.
            capacity: { capacityRpm: schedulerCapacityRpm, currentRpm: minute === 0 ? 0 : day[minute - 1]!, forecastRpm },
          });
          if (decision.forced) forcedMinutes += 1;
          const step = linesThisTick(decision.rpm, 60_000, carry);
          carry = step.carry;
          lines = step.lines;
        }
        lines = Math.min(lines, remaining);
        remaining -= lines;
        if (remaining === 0) finishedAtMinute = minute + 1;
        if (day[minute]! < median) inTroughs += lines;
      }
      batchByMinute.push(lines);
    }
    const linesRun = batchByMinute.reduce((sum, lines) => sum + lines, 0);
    return {
      outcome: { mode, p99Ms: interactiveP99(day, batchByMinute, options.capacityRpm), linesRun, finishedAtMinute, troughShare: linesRun === 0 ? 0 : inTroughs / linesRun, forcedMinutes },
      batchByMinute,
    };
  };

  const none = run('none');
  const scheduled = run('scheduled');
  const flatOut = run('flat-out');
  const profile = actualBuckets.map((point, index) => {
    const minutes = scheduled.batchByMinute.slice(index * bucketMinutes, (index + 1) * bucketMinutes);
    return { minute: index * bucketMinutes, interactive: point.requests, predicted: Math.round(pairs[index]!.predicted), batch: minutes.reduce((sum, lines) => sum + lines, 0) };
  });
  return {
    options,
    schedulerCapacityRpm,
    interactive: { requests: day.reduce((sum, count) => sum + count, 0), peakRpm: Math.max(...day), troughRpm: Math.min(...day) },
    forecast: { mape: accuracy.mape ?? 0, wape: accuracy.wape ?? 0, buckets: accuracy.buckets },
    modes: [none.outcome, scheduled.outcome, flatOut.outcome],
    profile,
  };
}

function bucketsOf(minutes: readonly number[], start: number, bucketMs: number): LoadPoint[] {
  const per = bucketMs / 60_000;
  const points: LoadPoint[] = [];
  for (let index = 0; index * per < minutes.length; index += 1) {
    points.push({ start: start + index * bucketMs, requests: minutes.slice(index * per, (index + 1) * per).reduce((sum, count) => sum + count, 0) });
  }
  return points;
}

/**
 * The p99 of interactive time in system over the day. Each minute: requests wait behind the
 * backlog left by earlier minutes (backlog / μ), then spend an exponential time with rate
 * μ − λ (λ capped just below μ: an overloaded minute is still served, slowly).
 */
export function interactiveP99(interactive: readonly number[], batch: readonly number[], capacityRpm: number): number {
  const mu = capacityRpm / 60;
  let backlog = 0;
  const minutes: Array<{ count: number; waitS: number; rate: number }> = [];
  for (let minute = 0; minute < interactive.length; minute += 1) {
    const arrivals = interactive[minute]! + batch[minute]!;
    const lambda = Math.min(arrivals / 60, mu * 0.98);
    minutes.push({ count: interactive[minute]!, waitS: backlog / mu, rate: mu - lambda });
    backlog = Math.max(0, backlog + arrivals - capacityRpm);
  }
  const total = minutes.reduce((sum, minute) => sum + minute.count, 0);
  const beyond = (seconds: number) => minutes.reduce((sum, minute) => sum + minute.count * (seconds <= minute.waitS ? 1 : Math.exp(-minute.rate * (seconds - minute.waitS))), 0) / total;
  let low = 0;
  let high = 1;
  while (beyond(high) > 0.01) high *= 2;
  for (let step = 0; step < 60; step += 1) {
    const middle = (low + high) / 2;
    if (beyond(middle) > 0.01) low = middle;
    else high = middle;
  }
  return high * 1_000;
}
