/**
 * The batch store conformance suite: the memory and SQLite stores keep files, batches and line
 * results alike (copies out, never shared; listings newest first per owner with an `after`
 * cursor; lines taken once, in input order; taken lines released again after a restart).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchLine, BatchRecord, BatchStore, FileRecord } from '../../src/batch/types';

export interface BatchStoreSuiteOptions {
  create: () => BatchStore;
}

export function batchRecord(id: string, overrides: Partial<BatchRecord> = {}): BatchRecord {
  return {
    id,
    owner: 'key_a',
    team: undefined,
    endpoint: '/v1/chat/completions',
    inputFileId: 'file_in',
    completionWindow: '24h',
    route: 'to-openai',
    status: 'in_progress',
    metadata: { purpose: 'test' },
    errors: [],
    counts: { total: 3, completed: 0, failed: 0 },
    createdAt: 1_000,
    expiresAt: 1_000 + 86_400_000,
    ...overrides,
  };
}

export const sampleLines = (count: number): BatchLine[] =>
  Array.from({ length: count }, (_, index) => ({ index, customId: `line-${index}`, url: '/v1/chat/completions', body: { model: 'm', messages: [{ role: 'user', content: `hello ${index}` }] } }));

export function runBatchStoreSuite(name: string, options: BatchStoreSuiteOptions): void {
  describe(`batch store: ${name}`, () => {
    const opened: BatchStore[] = [];
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });
    const open = () => {
      const store = options.create();
      opened.push(store);
      return store;
    };

    it('keeps files and their content until deleted', async () => {
      const store = open();
      const record: FileRecord = { id: 'file_1', owner: 'key_a', filename: 'in.jsonl', purpose: 'batch', bytes: 5, createdAt: 7 };
      await store.putFile(record, Buffer.from('hello'));
      record.filename = 'changed';
      await expect(store.getFile('file_1')).resolves.toEqual({ ...record, filename: 'in.jsonl' });
      expect((await store.fileContent('file_1'))!.toString()).toBe('hello');
      await expect(store.deleteFile('file_1')).resolves.toBe(true);
      await expect(store.deleteFile('file_1')).resolves.toBe(false);
      await expect(store.getFile('file_1')).resolves.toBeUndefined();
      await expect(store.fileContent('file_1')).resolves.toBeUndefined();
    });

    it('keeps batches, updates them, and lists an owner’s newest first after a cursor', async () => {
      const store = open();
      await store.putBatch(batchRecord('batch_1', { createdAt: 1 }), sampleLines(1));
      await store.putBatch(batchRecord('batch_2', { createdAt: 2 }), sampleLines(1));
      await store.putBatch(batchRecord('batch_3', { createdAt: 3 }), sampleLines(1));
      await store.putBatch(batchRecord('batch_other', { createdAt: 4, owner: 'key_b' }), sampleLines(1));
      await store.putBatch(batchRecord('batch_open', { createdAt: 5, owner: undefined }), sampleLines(1));
      const ids = (records: BatchRecord[]) => records.map((record) => record.id);
      expect(ids(await store.listBatches({ owner: 'key_a', limit: 10 }))).toEqual(['batch_3', 'batch_2', 'batch_1']);
      expect(ids(await store.listBatches({ owner: 'key_a', limit: 1, after: 'batch_3' }))).toEqual(['batch_2']);
      expect(ids(await store.listBatches({ owner: 'key_a', limit: 5, after: 'batch_other' }))).toEqual([]);
      expect(ids(await store.listBatches({ owner: undefined, limit: 5 }))).toEqual(['batch_open']);
      const record = (await store.getBatch('batch_2'))!;
      await store.updateBatch({ ...record, status: 'completed', counts: { total: 3, completed: 3, failed: 0 }, outputFileId: 'file_out', completedAt: 9 });
      await expect(store.getBatch('batch_2')).resolves.toMatchObject({ status: 'completed', outputFileId: 'file_out', completedAt: 9, metadata: { purpose: 'test' } });
      expect(ids(await store.activeBatches())).toEqual(['batch_1', 'batch_3', 'batch_other', 'batch_open']);
      await expect(store.getBatch('batch_none')).resolves.toBeUndefined();
    });

    it('hands each line out once, in order, and counts what is left', async () => {
      const store = open();
      await store.putBatch(batchRecord('batch_1'), sampleLines(5));
      expect((await store.takeLines('batch_1', 2)).map((line) => line.customId)).toEqual(['line-0', 'line-1']);
      await expect(store.pendingCount('batch_1')).resolves.toBe(3);
      const next = await store.takeLines('batch_1', 10);
      expect(next.map((line) => line.index)).toEqual([2, 3, 4]);
      expect(next[0]!.body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hello 2' }] });
      await expect(store.takeLines('batch_1', 10)).resolves.toEqual([]);
      await expect(store.pendingCount('batch_1')).resolves.toBe(0);
    });

    it('keeps results in input order, and releases taken lines without results', async () => {
      const store = open();
      await store.putBatch(batchRecord('batch_1'), sampleLines(4));
      await store.takeLines('batch_1', 3);
      await store.putResult('batch_1', { index: 2, customId: 'line-2', requestId: 'r2', status: 200, body: { id: 'x' }, finishedAt: 5 });
      await store.putResult('batch_1', { index: 0, customId: 'line-0', requestId: 'r0', status: 500, body: { error: {} }, finishedAt: 6 });
      await store.releaseTaken('batch_1');
      // Line 1 was taken but never finished (a restart): it runs again, with line 3.
      expect((await store.takeLines('batch_1', 10)).map((line) => line.index)).toEqual([1, 3]);
      expect((await store.results('batch_1')).map((result) => [result.index, result.status])).toEqual([[0, 500], [2, 200]]);
    });

    it('takes results for lines that never ran (invalid ones)', async () => {
      const store = open();
      await store.putBatch(batchRecord('batch_1'), sampleLines(1));
      await store.putResult('batch_1', { index: 1, customId: '', requestId: 'r1', status: 0, body: null, error: { code: 'invalid_json_line', message: 'bad' }, finishedAt: 1 });
      await expect(store.results('batch_1')).resolves.toMatchObject([{ index: 1, error: { code: 'invalid_json_line' } }]);
      await expect(store.pendingCount('batch_1')).resolves.toBe(1);
    });
  });
}
