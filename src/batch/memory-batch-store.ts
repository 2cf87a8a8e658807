/** The batch store in this process's memory: for tests, the demo, and single processes that need not survive a restart. */
import { ACTIVE_STATUSES as ACTIVE, type BatchLine, type BatchListQuery, type BatchRecord, type BatchStore, type FileRecord, type LineResult } from './types';

interface HeldBatch {
  record: BatchRecord;
  lines: readonly BatchLine[];
  results: Map<number, LineResult>;
  taken: Set<number>;
  /** Lines before this index have been taken or have results: takes resume from it. */
  cursor: number;
}

export function createMemoryBatchStore(): BatchStore {
  const files = new Map<string, { record: FileRecord; content: Buffer }>();
  const batches = new Map<string, HeldBatch>();
  const copy = <T>(value: T): T => structuredClone(value);
  const held = (id: string) => {
    const batch = batches.get(id);
    if (!batch) throw new Error(`no batch ${id}`);
    return batch;
  };

  return {
    async putFile(record, content) {
      files.set(record.id, { record: copy(record), content: Buffer.from(content) });
    },
    async getFile(id) {
      const file = files.get(id);
      return file && copy(file.record);
    },
    async fileContent(id) {
      return files.get(id)?.content;
    },
    async deleteFile(id) {
      return files.delete(id);
    },
    async putBatch(record, lines) {
      batches.set(record.id, { record: copy(record), lines: lines.map(copy), results: new Map(), taken: new Set(), cursor: 0 });
    },
    async getBatch(id) {
      const batch = batches.get(id);
      return batch && copy(batch.record);
    },
    async updateBatch(record) {
      held(record.id).record = copy(record);
    },
    async listBatches(query: BatchListQuery) {
      const mine = [...batches.values()].map((batch) => batch.record).filter((record) => record.owner === query.owner);
      mine.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
      const start = query.after === undefined ? 0 : mine.findIndex((record) => record.id === query.after) + 1;
      // A cursor that is not one of the owner's batches lists nothing, as the SQLite store does.
      if (query.after !== undefined && start === 0) return [];
      return mine.slice(start, start + query.limit).map(copy);
    },
    async activeBatches() {
      return [...batches.values()]
        .map((batch) => batch.record)
        .filter((record) => ACTIVE.includes(record.status))
        .sort((a, b) => a.expiresAt - b.expiresAt || a.createdAt - b.createdAt)
        .map(copy);
    },
    async takeLines(batchId, limit) {
      const batch = held(batchId);
      const taken: BatchLine[] = [];
      while (batch.cursor < batch.lines.length && taken.length < limit) {
        const line = batch.lines[batch.cursor]!;
        batch.cursor += 1;
        if (batch.results.has(line.index) || batch.taken.has(line.index)) continue;
        batch.taken.add(line.index);
        taken.push(copy(line));
      }
      return taken;
    },
    async pendingCount(batchId) {
      const batch = held(batchId);
      return batch.lines.filter((line) => !batch.results.has(line.index) && !batch.taken.has(line.index)).length;
    },
    async putResult(batchId, result) {
      const batch = held(batchId);
      batch.results.set(result.index, copy(result));
      batch.taken.delete(result.index);
    },
    async results(batchId) {
      return [...held(batchId).results.values()].sort((a, b) => a.index - b.index).map(copy);
    },
    async releaseTaken(batchId) {
      const batch = held(batchId);
      batch.taken.clear();
      batch.cursor = 0;
    },
    async close() {},
  };
}
