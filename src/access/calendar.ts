/**
 * Calendar windows for daily limits and budgets, in a configured IANA time zone: a day runs
 * from local midnight to the next, a week from Monday, a month from the 1st. Pure, with the
 * instant passed in; a window is worked out once and reused until it ends, so the request path
 * pays for the time-zone arithmetic about once a day.
 */
import type { BudgetPeriod } from './types';

export interface CalendarWindow {
  /** e.g. `2026-12-05`, `2026-W49` (the Monday's date: `2026-11-30`), `2026-12`, `lifetime`. */
  label: string;
  start: number;
  /** Exclusive; Infinity for a lifetime. */
  end: number;
}

const LIFETIME: CalendarWindow = { label: 'lifetime', start: 0, end: Number.POSITIVE_INFINITY };

interface LocalDate {
  year: number;
  month: number;
  day: number;
  /** 0 = Monday … 6 = Sunday */
  weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The zone's wall-clock reading at `instant`, as if it were UTC (ms). */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(instant)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

function localDate(instant: number, timeZone: string): LocalDate {
  const wall = new Date(wallClock(instant, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), weekday: (wall.getUTCDay() + 6) % 7 };
}

/**
 * The instant the zone's clocks read midnight starting the given date. Offsets change at most
 * twice a year, so two corrections settle it; a midnight skipped by a DST jump resolves to the
 * first instant after it.
 */
export function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const target = Date.UTC(year, month - 1, day);
  let guess = target;
  for (let round = 0; round < 3; round++) {
    const offset = wallClock(guess, timeZone) - guess;
    const next = target - offset;
    if (next === guess) break;
    guess = next;
  }
  return guess;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The window of `period` that contains `now`. */
export function calendarWindow(period: BudgetPeriod, now: number, timeZone: string): CalendarWindow {
  if (period === 'lifetime') return LIFETIME;
  const today = localDate(now, timeZone);
  if (period === 'day') {
    const start = localMidnight(today.year, today.month, today.day, timeZone);
    const end = localMidnight(today.year, today.month, today.day + 1, timeZone);
    return { label: `${today.year}-${pad(today.month)}-${pad(today.day)}`, start, end };
  }
  if (period === 'week') {
    const monday = new Date(Date.UTC(today.year, today.month - 1, today.day - today.weekday));
    const [y, m, d] = [monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate()];
    return { label: `week-${y}-${pad(m)}-${pad(d)}`, start: localMidnight(y, m, d, timeZone), end: localMidnight(y, m, d + 7, timeZone) };
  }
  return {
    label: `${today.year}-${pad(today.month)}`,
    start: localMidnight(today.year, today.month, 1, timeZone),
    end: localMidnight(today.year, today.month + 1, 1, timeZone),
  };
}

/** Calendar windows for one time zone, each worked out again only once it has ended. */
export class Calendar {
  private readonly current = new Map<BudgetPeriod, CalendarWindow>();

  constructor(readonly timeZone: string) {}

  window(period: BudgetPeriod, now: number): CalendarWindow {
    const known = this.current.get(period);
    if (known !== undefined && now >= known.start && now < known.end) return known;
    const fresh = calendarWindow(period, now, this.timeZone);
    this.current.set(period, fresh);
    return fresh;
  }
}
