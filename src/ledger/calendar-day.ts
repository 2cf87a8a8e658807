/**
 * The calendar day a ledger entry counts in, for daily totals: `YYYY-MM-DD` in a configured
 * IANA time zone. The SQLite worker (ledger-worker.mjs, plain JavaScript) carries a copy of
 * `calendarDayIn`; PostgreSQL works the day out itself with `AT TIME ZONE`. All three use the
 * same zone database, so they agree.
 */

/**
 * Timestamps that count in a day: from 1970-01-01 up to the end of 9999, where a day still
 * has a four-digit year and every store can place it. An entry outside (a broken clock) is
 * kept, but counts in no day's totals.
 */
export const FIRST_DATED_MS = 0;
export const END_OF_DATED_MS = 253_402_300_800_000;

/** Throws a RangeError naming the zone when it is not one the runtime knows. */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)}: expected an IANA name such as UTC or Europe/Paris`);
  }
}

/**
 * A function from Unix milliseconds to the day they fall on in `timeZone`, or `undefined`
 * outside the dated range. Entries arrive in nearly time order, so it remembers the last
 * minute it placed: every zone's offset since 1972 is a whole number of minutes, so a minute
 * never straddles two days, and most calls cost one division.
 */
export function calendarDayIn(timeZone: string): (timestamp: number) => string | undefined {
  assertTimeZone(timeZone);
  const format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  let lastMinute = Number.NaN;
  let lastDay = '';
  return function calendarDay(timestamp: number): string | undefined {
    if (!(timestamp >= FIRST_DATED_MS && timestamp < END_OF_DATED_MS)) return undefined;
    const minute = Math.floor(timestamp / 60_000);
    if (minute !== lastMinute) {
      let year = '';
      let month = '';
      let day = '';
      for (const part of format.formatToParts(timestamp)) {
        if (part.type === 'year') year = part.value;
        else if (part.type === 'month') month = part.value;
        else if (part.type === 'day') day = part.value;
      }
      lastDay = `${year.padStart(4, '0')}-${month}-${day}`;
      lastMinute = minute;
    }
    return lastDay;
  };
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Throws a RangeError unless `value` is a real calendar date written `YYYY-MM-DD`. */
export function assertDay(name: string, value: string): void {
  const match = DAY_PATTERN.exec(value);
  const valid =
    match !== null &&
    (() => {
      const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
      // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999.
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, day);
      return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
    })();
  if (!valid) throw new RangeError(`${name} must be a date written YYYY-MM-DD, got ${JSON.stringify(value)}`);
}
