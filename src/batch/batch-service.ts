/**
 * The Batch API's operations, below HTTP: files uploaded and read back, batches created,
 * listed and cancelled. Every file and batch belongs to the key that made it (or to nobody
 * when access is open); another caller's id is answered as not found, never as forbidden, so
 * ids do not leak across tenants.
 */
import { randomBytes } from 'node:crypto';
import { JunctionError } from '../errors';
import { parseBatchInput } from './jsonl';
import { unrunLine } from './line-executor';
import { BATCH_ENDPOINTS, type BatchEndpoint, type BatchRecord, type BatchStore, type FileRecord, type FilePurpose } from './types';

/** Who is asking: a key's id and team, or nobody (access open). */
export interface BatchCaller {
  id: string | undefined;
  team: string | undefined;
}

export interface CreateBatchInput {
  inputFileId: unknown;
  endpoint: unknown;
  completionWindow: unknown;
  metadata: unknown;
}

export interface BatchServiceOptions {
  store: BatchStore;
  now: () => number;
  maxLines: number;
  maxFileBytes: number;
  /** Marks a batch cancelling and stops its running lines (the runner, in turn with its own writes); without it the record is updated here. */
  cancel?: (batchId: string) => Promise<void>;
  /** Told when there is new work (a batch created or cancelled), so the runner need not wait for its next tick. */
  onWork?: () => void;
  requestId: (now: number) => string;
}

export interface BatchService {
  uploadFile(caller: BatchCaller, filename: string, purpose: string, content: Buffer): Promise<FileRecord>;
  getFile(caller: BatchCaller, id: string): Promise<FileRecord>;
  fileContent(caller: BatchCaller, id: string): Promise<{ record: FileRecord; content: Buffer }>;
  deleteFile(caller: BatchCaller, id: string): Promise<void>;
  /** Writes a file the runner made (output, errors) for the batch's owner. */
  writeFile(batch: BatchRecord, filename: string, content: string): Promise<string>;
  createBatch(caller: BatchCaller, input: CreateBatchInput): Promise<BatchRecord>;
  getBatch(caller: BatchCaller, id: string): Promise<BatchRecord>;
  listBatches(caller: BatchCaller, after: string | undefined, limit: number): Promise<{ batches: BatchRecord[]; hasMore: boolean }>;
  cancelBatch(caller: BatchCaller, id: string): Promise<BatchRecord>;
}

/** Completion windows are whole hours, `1h` to `168h` (OpenAI takes `24h`). */
const WINDOW = /^([1-9]\d{0,2})h$/;
const MAX_WINDOW_HOURS = 168;

export function createBatchService(options: BatchServiceOptions): BatchService {
  const { store, now } = options;
  const newId = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

  async function ownFile(caller: BatchCaller, id: string): Promise<FileRecord> {
    const record = await store.getFile(id);
    if (!record || record.owner !== caller.id) throw new JunctionError('file_not_found', `No such file: '${id.slice(0, 80)}'`, { param: 'file_id' });
    return record;
  }

  async function ownBatch(caller: BatchCaller, id: string): Promise<BatchRecord> {
    const record = await store.getBatch(id);
    if (!record || record.owner !== caller.id) throw new JunctionError('batch_not_found', `No such batch: '${id.slice(0, 80)}'`, { param: 'batch_id' });
    return record;
  }

  return {
    async uploadFile(caller, filename, purpose, content) {
      if (purpose !== 'batch') throw new JunctionError('invalid_request', "purpose must be 'batch': this gateway keeps files for the Batch API only", { param: 'purpose' });
      if (content.length === 0) throw new JunctionError('invalid_request', 'The file is empty', { param: 'file' });
      if (content.length > options.maxFileBytes) throw new JunctionError('body_too_large', `The file is larger than ${options.maxFileBytes} bytes`, { param: 'file' });
      const record: FileRecord = { id: newId('file-'), owner: caller.id, filename: filename.slice(0, 255) || 'upload.jsonl', purpose: purpose as FilePurpose, bytes: content.length, createdAt: now() };
      await store.putFile(record, content);
      return record;
    },
    getFile: ownFile,
    async fileContent(caller, id) {
      const record = await ownFile(caller, id);
      const content = await store.fileContent(id);
      if (!content) throw new JunctionError('file_not_found', `No such file: '${id.slice(0, 80)}'`, { param: 'file_id' });
      return { record, content };
    },
    async deleteFile(caller, id) {
      await ownFile(caller, id);
      await store.deleteFile(id);
    },
    async writeFile(batch, filename, content) {
      const bytes = Buffer.from(content);
      const record: FileRecord = { id: newId('file-'), owner: batch.owner, filename, purpose: 'batch_output', bytes: bytes.length, createdAt: now() };
      await store.putFile(record, bytes);
      return record.id;
    },
    async createBatch(caller, input) {
      const { inputFileId, endpoint, completionWindow, metadata } = input;
      if (typeof inputFileId !== 'string') throw new JunctionError('invalid_request', 'input_file_id is required', { param: 'input_file_id' });
      if (!BATCH_ENDPOINTS.includes(endpoint as BatchEndpoint)) throw new JunctionError('invalid_request', `endpoint must be one of ${BATCH_ENDPOINTS.join(', ')}`, { param: 'endpoint' });
      const window = typeof completionWindow === 'string' ? WINDOW.exec(completionWindow) : null;
      if (!window || Number(window[1]) > MAX_WINDOW_HOURS) throw new JunctionError('invalid_request', `completion_window must be a whole number of hours from 1h to ${MAX_WINDOW_HOURS}h, such as '24h'`, { param: 'completion_window' });
      const tags = checkedMetadata(metadata);
      const file = await ownFile(caller, inputFileId);
      if (file.purpose !== 'batch') throw new JunctionError('invalid_request', "The input file's purpose must be 'batch'", { param: 'input_file_id' });
      const content = (await store.fileContent(file.id)) ?? Buffer.alloc(0);
      const parsed = parseBatchInput(content, endpoint as BatchEndpoint, options.maxLines);
      const at = now();
      const id = newId('batch_');
      const record: BatchRecord = {
        id,
        owner: caller.id,
        team: caller.team,
        endpoint: endpoint as BatchEndpoint,
        inputFileId: file.id,
        completionWindow: completionWindow as string,
        route: commonestModel(parsed.lines.map((line) => String(line.body.model))),
        status: 'validating',
        metadata: tags,
        errors: parsed.errors,
        counts: { total: parsed.errors.length > 0 ? 0 : parsed.lines.length + parsed.invalid.length, completed: 0, failed: parsed.errors.length > 0 ? 0 : parsed.invalid.length },
        createdAt: at,
        expiresAt: at + Number(window[1]) * 3_600_000,
      };
      await store.putBatch(record, parsed.errors.length > 0 ? [] : parsed.lines);
      if (parsed.errors.length === 0) {
        for (const line of parsed.invalid) await store.putResult(id, unrunLine(line, options.requestId(at), line, at));
      }
      options.onWork?.();
      return record;
    },
    getBatch: ownBatch,
    async listBatches(caller, after, limit) {
      const batches = await store.listBatches({ owner: caller.id, ...(after === undefined ? {} : { after }), limit: limit + 1 });
      return { batches: batches.slice(0, limit), hasMore: batches.length > limit };
    },
    async cancelBatch(caller, id) {
      const record = await ownBatch(caller, id);
      if (record.status === 'cancelling' || record.status === 'cancelled') return record;
      if (record.status !== 'validating' && record.status !== 'in_progress') {
        throw new JunctionError('invalid_request', `A batch that is ${record.status} cannot be cancelled`, { param: 'batch_id' });
      }
      if (options.cancel) await options.cancel(id);
      else await store.updateBatch({ ...record, status: 'cancelling', cancellingAt: now() });
      options.onWork?.();
      return ownBatch(caller, id);
    },
  };
}

function checkedMetadata(metadata: unknown): Record<string, string> | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  const entries = typeof metadata === 'object' && !Array.isArray(metadata) ? Object.entries(metadata) : undefined;
  // OpenAI's limits: 16 pairs, keys up to 64 characters, values up to 512.
  if (!entries || entries.length > 16 || entries.some(([key, value]) => key.length > 64 || typeof value !== 'string' || value.length > 512)) {
    throw new JunctionError('invalid_request', 'metadata must be at most 16 string pairs (keys up to 64 characters, values up to 512)', { param: 'metadata' });
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function commonestModel(models: readonly string[]): string {
  const counts = new Map<string, number>();
  let best = '';
  for (const model of models) {
    const count = (counts.get(model) ?? 0) + 1;
    counts.set(model, count);
    if (count > (counts.get(best) ?? 0)) best = model;
  }
  return best;
}
