import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createMemoryBatchStore } from '../src/batch/memory-batch-store';
import { createSqliteBatchStore } from '../src/batch/sqlite-batch-store';
import { batchRecord, runBatchStoreSuite, sampleLines } from './conformance/batch-store.suite';

const directory = mkdtempSync(join(tmpdir(), 'junction-batch-store-'));
let files = 0;
afterAll(() => rmSync(directory, { recursive: true, force: true }));

runBatchStoreSuite('memory', { create: () => createMemoryBatchStore() });
runBatchStoreSuite('sqlite file', { create: () => createSqliteBatchStore({ path: join(directory, `batches-${(files += 1)}.db`) }) });

it('the SQLite store keeps batches and results across a restart', async () => {
  const path = join(directory, 'restart.db');
  const first = createSqliteBatchStore({ path });
  await first.putBatch(batchRecord('batch_1'), sampleLines(3));
  await first.takeLines('batch_1', 2);
  await first.putResult('batch_1', { index: 0, customId: 'line-0', requestId: 'r0', status: 200, body: {}, finishedAt: 1 });
  await first.close();
  const second = createSqliteBatchStore({ path });
  await second.releaseTaken('batch_1');
  expect((await second.takeLines('batch_1', 10)).map((line) => line.index)).toEqual([1, 2]);
  expect(await second.results('batch_1')).toHaveLength(1);
  await second.close();
});
