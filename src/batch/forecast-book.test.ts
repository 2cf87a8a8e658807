import { describe, expect, it } from 'vitest';
import { createMemoryLedger } from '../ledger/memory-ledger';
import type { LedgerEntry } from '../ledger/types';
import { DAY_MS } from './forecast';
import { createForecastBook } from './forecast-book';
import { createLoadBook } from './load-book';

const BUCKET = 15 * 60_000;
const START = Date.UTC(2026, 10, 2);

function entry(timestamp: number, deployment: string, ingress: LedgerEntry['ingress'] = 'openai'): LedgerEntry {
  return { requestId: `r${timestamp}`, timestamp, route: 'chat', ingress, endpoint: 'chat', stream: false, deployment, attempts: [], inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, reasoningTokens: 0, costUsd: 0, latencyMs: 1, status: 200 };
}

/** Two days of a deployment busy by day (10 requests a bucket from 08:00 to 20:00), quiet by night (1). */
function twoDays() {
  const ledger = createMemoryLedger();
  for (let start = START; start < START + 2 * DAY_MS; start += BUCKET) {
    const hour = ((start - START) % DAY_MS) / 3_600_000;
    const requests = hour >= 8 && hour < 20 ? 10 : 1;
    for (let index = 0; index < requests; index += 1) ledger.record(entry(start + index * 1_000, 'mini'));
    // Batch lines are not interactive load.
    ledger.record(entry(start + 500, 'mini', 'batch'));
  }
  return ledger;
}

describe('forecast book', () => {
  it('fits each deployment from the ledger and forecasts its rpm by bucket', async () => {
    let now = START + 2 * DAY_MS;
    const book = createForecastBook({ history: twoDays(), bucketMs: BUCKET, historyDays: 7, now: () => now });
    await book.refresh();
    const night = book.forecastRpm('mini', now, 1)[0]!;
    const day = book.forecastRpm('mini', now + 12 * 3_600_000, 1)[0]!;
    expect(night).toBeCloseTo(1 / 15, 1);
    expect(day).toBeCloseTo(10 / 15, 1);
    expect(book.forecastRpm('other', now, 3)).toEqual([]);

    // A bucket later, the report scores the prediction made for the bucket just ended.
    now += BUCKET;
    await book.refresh();
    const report = await book.report();
    expect(report.bucketMinutes).toBe(15);
    const mini = report.deployments.find((deployment) => deployment.deployment === 'mini')!;
    expect(mini.buckets).toHaveLength(1);
    expect(mini.buckets[0]).toMatchObject({ start: new Date(START + 2 * DAY_MS).toISOString(), actual: 0 });
    expect(mini.next).toHaveLength(96);
  });

  it('goes without a forecast when there is no ledger history', async () => {
    const book = createForecastBook({ history: undefined, bucketMs: BUCKET, historyDays: 7, now: () => START });
    await book.refresh();
    expect(book.forecastRpm('mini', START, 2)).toEqual([]);
    await expect(book.report()).resolves.toEqual({ bucketMinutes: 15, fittedAt: null, deployments: [] });
  });
});

describe('load book', () => {
  it('counts interactive requests per deployment over the last minute', () => {
    const book = createLoadBook();
    for (let second = 0; second < 90; second += 1) book.observe(entry(START + second * 1_000, 'mini'));
    book.observe(entry(START + 89_000, 'mini', 'batch'));
    book.observe({ ...entry(START + 89_000, 'mini'), deployment: undefined });
    expect(book.rpm('mini', START + 89_500)).toBe(60);
    expect(book.rpm('mini', START + 120_000)).toBe(29);
    expect(book.rpm('mini', START + 200_000)).toBe(0);
    expect(book.rpm('other', START)).toBe(0);
  });
});
