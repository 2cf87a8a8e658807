import { describe, expect, it } from 'vitest';
import { createMemoryBatchStore } from './memory-batch-store';
import { createRunner, type RunnerOptions } from './runner';
import type { CapacityView } from './scheduler';
import type { BatchLine, BatchRecord, LineResult } from './types';
import { batchRecord } from '../../test/conformance/batch-store.suite';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 9, 2);

function batch(id: string, lines: number, overrides: Partial<BatchRecord> = {}): { record: BatchRecord; lines: BatchLine[] } {
  return {
    record: batchRecord(id, { route: 'chat', status: 'validating', metadata: undefined, counts: { total: lines, completed: 0, failed: 0 }, createdAt: START, expiresAt: START + 24 * HOUR, ...overrides }),
    lines: Array.from({ length: lines }, (_, index) => ({ index, customId: `${id}-${index}`, url: '/v1/chat/completions', body: { model: 'chat' } })),
  };
}

/** A runner on a memory store, a clock the test moves, and lines that answer when the test says. */
function setup(view: CapacityView | undefined, overrides: Partial<RunnerOptions> = {}) {
  const store = createMemoryBatchStore();
  let now = START;
  const started: string[] = [];
  const waiting: Array<() => void> = [];
  let hold = false;
  const files = new Map<string, string>();
  const runner = createRunner({
    store,
    async execute(line) {
      started.push(line.customId);
      if (hold) await new Promise<void>((resolve) => waiting.push(resolve));
      return { index: line.index, customId: line.customId, requestId: `r-${line.customId}`, status: line.index % 5 === 4 ? 500 : 200, body: { line: line.customId }, finishedAt: now } satisfies LineResult;
    },
    capacity: () => view,
    async writeFile(record, name, content) {
      files.set(name, content);
      return `file-${name}`;
    },
    requestId: () => 'r',
    now: () => now,
    bucketMs: 15 * 60_000,
    margin: 0,
    maxInFlight: 100,
    ...overrides,
  });
  return {
    store,
    runner,
    started,
    files,
    advance: (ms: number) => (now += ms),
    holdLines: () => (hold = true),
    release: () => {
      hold = false;
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

const quiet: CapacityView = { capacityRpm: 600, currentRpm: 0, forecastRpm: [] };

describe('batch runner', () => {
  it('moves a batch from validating to completed and writes its files', async () => {
    const { store, runner, files, advance } = setup(quiet);
    const { record, lines } = batch('batch_1', 5);
    await store.putBatch(record, lines);
    await runner.tick();
    await expect(store.getBatch('batch_1')).resolves.toMatchObject({ status: 'in_progress', inProgressAt: START });
    // 600 rpm is 10 lines a second: one second's tick runs all five.
    advance(1_000);
    await runner.tick();
    await runner.drain();
    await runner.tick();
    const done = (await store.getBatch('batch_1'))!;
    expect(done).toMatchObject({ status: 'completed', counts: { total: 5, completed: 4, failed: 1 }, outputFileId: 'file-batch_1_output.jsonl', errorFileId: 'file-batch_1_error.jsonl' });
    expect(files.get('batch_1_output.jsonl')!.trim().split('\n')).toHaveLength(4);
    expect(JSON.parse(files.get('batch_1_error.jsonl')!)).toMatchObject({ custom_id: 'batch_1-4', response: { status_code: 500 } });
  });

  it('starts no more lines than the headroom allows, and none at a peak', async () => {
    const { store, runner, started, advance } = setup({ capacityRpm: 600, currentRpm: 540, forecastRpm: [540] });
    await store.putBatch(batch('batch_1', 100).record, batch('batch_1', 100).lines);
    await runner.tick();
    for (let second = 0; second < 10; second += 1) {
      advance(1_000);
      await runner.tick();
    }
    // 60 rpm of room: one line a second.
    expect(started).toHaveLength(10);
    const peak = setup({ capacityRpm: 600, currentRpm: 700, forecastRpm: [700, 100] });
    await peak.store.putBatch(batch('batch_2', 10).record, batch('batch_2', 10).lines);
    for (let second = 0; second < 10; second += 1) {
      peak.advance(1_000);
      await peak.runner.tick();
    }
    expect(peak.started).toHaveLength(0);
  });

  it('runs lines anyway when the deadline would otherwise be missed, nearest deadline first', async () => {
    const { store, runner, started, advance } = setup({ capacityRpm: 600, currentRpm: 700, forecastRpm: [700, 700, 700, 700, 700] }, { maxInFlight: 3 });
    const later = batch('batch_later', 3, { expiresAt: START + 2 * HOUR });
    const sooner = batch('batch_sooner', 3, { expiresAt: START + HOUR });
    await store.putBatch(later.record, later.lines);
    await store.putBatch(sooner.record, sooner.lines);
    await runner.tick();
    // No room at all, ever: the six lines are spread over what is left of this bucket (at 02:00, all of it).
    for (let tick = 0; tick < 180; tick += 1) {
      advance(5_000);
      await runner.tick();
      await runner.drain();
    }
    expect(started).toHaveLength(6);
    expect(started.slice(0, 3)).toEqual(['batch_sooner-0', 'batch_sooner-1', 'batch_sooner-2']);
  });

  it('expires the lines not run by the deadline', async () => {
    const { store, runner, files, advance } = setup({ capacityRpm: 600, currentRpm: 700, forecastRpm: [700, 100] });
    const { record, lines } = batch('batch_1', 3, { expiresAt: START + HOUR });
    await store.putBatch(record, lines);
    await runner.tick();
    advance(HOUR);
    await runner.tick();
    await runner.drain();
    await runner.tick();
    const expired = (await store.getBatch('batch_1'))!;
    expect(expired).toMatchObject({ status: 'expired', expiredAt: START + HOUR, counts: { total: 3, completed: 0, failed: 3 } });
    expect(files.get('batch_1_error.jsonl')!.trim().split('\n').map((line) => JSON.parse(line).error.code)).toEqual(['batch_expired', 'batch_expired', 'batch_expired']);
  });

  it('cancels: running lines finish, the rest never start', async () => {
    const { store, runner, started, holdLines, release, advance } = setup(quiet, { maxInFlight: 2 });
    const { record, lines } = batch('batch_1', 6);
    await store.putBatch(record, lines);
    await runner.tick();
    holdLines();
    advance(1_000);
    await runner.tick();
    expect(runner.inFlight).toBe(2);
    await runner.cancel('batch_1');
    await expect(store.getBatch('batch_1')).resolves.toMatchObject({ status: 'cancelling' });
    advance(1_000);
    await runner.tick();
    release();
    await runner.drain();
    await runner.tick();
    expect(started).toHaveLength(2);
    await expect(store.getBatch('batch_1')).resolves.toMatchObject({ status: 'cancelled', counts: { total: 6, completed: 2, failed: 0 } });
  });

  it('fails a batch that did not validate', async () => {
    const { store, runner } = setup(quiet);
    const { record } = batch('batch_1', 0, { errors: [{ code: 'empty_file', message: 'no requests' }] });
    await store.putBatch(record, []);
    await runner.tick();
    await expect(store.getBatch('batch_1')).resolves.toMatchObject({ status: 'failed', failedAt: START });
  });
});
