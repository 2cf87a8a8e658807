import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWriteBuffer } from '../../src/ledger/write-buffer';

const settings = { batchSize: 2, flushIntervalMs: 60_000, maxBuffered: 100, onError: () => undefined };

describe('write buffer', () => {
  it('gives an async writer one batch at a time, in order', async () => {
    const written: number[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const buffer = createWriteBuffer<number>({
      ...settings,
      write: async (batch) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        written.push(batch);
        inFlight -= 1;
      },
    });
    for (let item = 1; item <= 5; item += 1) buffer.push(item);
    await Promise.all([buffer.flush(), buffer.flush(), buffer.flush()]);
    expect(maxInFlight).toBe(1);
    expect(written).toEqual([[1, 2], [3, 4], [5]]);
    await buffer.close();
  });

  it('flush waits for items pushed before it, even while an earlier flush is running', async () => {
    const started: number[][] = [];
    const written: number[] = [];
    const buffer = createWriteBuffer<number>({
      ...settings,
      write: async (batch) => {
        started.push(batch);
        await new Promise((resolve) => setImmediate(resolve));
        written.push(...batch);
      },
    });
    buffer.push(1);
    const first = buffer.flush();
    await Promise.resolve();
    expect(started).toEqual([[1]]);
    buffer.push(2);
    await buffer.flush();
    expect(written).toEqual([1, 2]);
    await first;
    await buffer.close();
  });

  it.each([
    { batchSize: 0, flushIntervalMs: 10, maxBuffered: 10 },
    { batchSize: 1.5, flushIntervalMs: 10, maxBuffered: 10 },
    { batchSize: 1, flushIntervalMs: 0, maxBuffered: 10 },
    { batchSize: 1, flushIntervalMs: 10, maxBuffered: 0 },
    { batchSize: 1, flushIntervalMs: 10, maxBuffered: 10, retryIntervalMs: 0 },
  ])('refuses settings %o', (bounds) => {
    expect(() => createWriteBuffer<number>({ ...bounds, write: () => undefined, onError: () => undefined })).toThrow(RangeError);
  });

  describe('while writes fail', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('retries on the timer only every retryIntervalMs, while flush still tries at once', async () => {
      vi.useFakeTimers();
      let attempts = 0;
      let down = true;
      const errors: unknown[] = [];
      const buffer = createWriteBuffer<number>({
        batchSize: 10,
        flushIntervalMs: 10,
        retryIntervalMs: 50,
        maxBuffered: 100,
        onError: (error) => errors.push(error),
        write: () => {
          attempts += 1;
          if (down) throw new Error('down');
        },
      });
      buffer.push(1);
      await vi.advanceTimersByTimeAsync(10);
      expect(attempts).toBe(1);
      // Four quiet ticks; the fifth after the failure retries.
      await vi.advanceTimersByTimeAsync(40);
      expect(attempts).toBe(1);
      await vi.advanceTimersByTimeAsync(10);
      expect(attempts).toBe(2);
      await expect(buffer.flush()).rejects.toThrow('down');
      expect(attempts).toBe(3);
      expect(errors).toHaveLength(2);

      down = false;
      await vi.advanceTimersByTimeAsync(50);
      expect(attempts).toBe(4);
      expect(buffer.size).toBe(0);
      // Healthy again: the next item goes on the next tick.
      buffer.push(2);
      await vi.advanceTimersByTimeAsync(10);
      expect(attempts).toBe(5);
      await buffer.close();
    });
  });
});
