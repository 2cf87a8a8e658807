import { describe, expect, it } from 'vitest';
import { JunctionError } from '../errors';
import type { Logger } from '../observability/logger';
import { UNCOUNTED_LOG_INTERVAL_MS, accessStorePath, admittedUncountedReporter } from './start-access';

/** A logger that keeps its warnings. */
function warnings(): { logger: Logger; lines: Array<{ err: string; msg: string }> } {
  const lines: Array<{ err: string; msg: string }> = [];
  const logger = { warn: (fields: { err: string }, msg: string) => lines.push({ err: fields.err, msg }) } as unknown as Logger;
  return { logger, lines };
}

const down = new JunctionError('limits_unavailable', 'the limit store (Redis) is not connected');

describe('admittedUncountedReporter', () => {
  it('logs the first request admitted uncounted, then one line per interval with the count of the others, while the metric hears of each', () => {
    const { logger, lines } = warnings();
    let clock = 1_000;
    let counted = 0;
    const admittedUncounted = admittedUncountedReporter(logger, () => clock, () => (counted += 1));

    for (let request = 0; request < 500; request++) {
      admittedUncounted(down);
      clock += 10;
    }
    // 5 s of requests every 10 ms: one line, 500 counted.
    expect(counted).toBe(500);
    expect(lines).toEqual([{ err: down.message, msg: 'limit store unreachable; request admitted uncounted' }]);

    clock = 1_000 + UNCOUNTED_LOG_INTERVAL_MS;
    admittedUncounted(down);
    expect(lines).toHaveLength(2);
    expect(lines[1].err).toBe(`${down.message} (499 more since the last report)`);
    expect(counted).toBe(501);
  });

  it('logs again at once after a quiet interval, with nothing to count', () => {
    const { logger, lines } = warnings();
    let clock = 0;
    const admittedUncounted = admittedUncountedReporter(logger, () => clock);
    admittedUncounted(down);
    clock = UNCOUNTED_LOG_INTERVAL_MS * 3;
    admittedUncounted(down);
    expect(lines.map((line) => line.err)).toEqual([down.message, down.message]);
  });
});

describe('accessStorePath', () => {
  it.each([
    ['junction.db', 'junction.access.db'],
    ['/var/lib/ledger', '/var/lib/ledger.access'],
    ['/srv/.ledger', '/srv/.ledger.access'],
  ])('%s → %s', (ledger, expected) => {
    expect(accessStorePath(ledger)).toBe(expected);
  });
});
