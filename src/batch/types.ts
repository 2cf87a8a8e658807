/**
 * The Batch API's records, as Junction keeps them and (mostly) as OpenAI shows them: files
 * (uploaded input, and the output and error files a batch writes), batches, and each line's
 * result. Instants are Unix seconds where OpenAI's objects use them (`created_at`), kept here
 * as Unix ms and converted at the edge.
 */

export type FilePurpose = 'batch' | 'batch_output';

/** An uploaded or written file; `bytes` of content held beside the record. */
export interface FileRecord {
  id: string;
  /** The key that uploaded it (or whose batch wrote it); undefined when access is open. */
  owner: string | undefined;
  filename: string;
  purpose: FilePurpose;
  bytes: number;
  createdAt: number;
}

export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** Statuses the runner still has work in. */
export const ACTIVE_STATUSES: readonly BatchStatus[] = ['validating', 'in_progress', 'finalizing', 'cancelling'];

/** The endpoints a batch may target. */
export type BatchEndpoint = '/v1/chat/completions' | '/v1/embeddings';

export const BATCH_ENDPOINTS: readonly BatchEndpoint[] = ['/v1/chat/completions', '/v1/embeddings'];

/** One problem with a batch as a whole (validation failures), in OpenAI's `errors.data` shape. */
export interface BatchError {
  code: string;
  message: string;
  param?: string;
  line?: number;
}

export interface RequestCounts {
  total: number;
  completed: number;
  failed: number;
}

export interface BatchRecord {
  id: string;
  owner: string | undefined;
  /** The owner's team, for the ledger. */
  team: string | undefined;
  endpoint: BatchEndpoint;
  inputFileId: string;
  /** As asked, e.g. `24h`. */
  completionWindow: string;
  /** The route most of its lines ask for: the scheduler makes room on its deployments. */
  route: string;
  status: BatchStatus;
  metadata: Record<string, string> | undefined;
  errors: BatchError[];
  counts: RequestCounts;
  outputFileId?: string;
  errorFileId?: string;
  createdAt: number;
  /** createdAt + the completion window: lines not run by then expire. */
  expiresAt: number;
  inProgressAt?: number;
  finalizingAt?: number;
  completedAt?: number;
  failedAt?: number;
  expiredAt?: number;
  cancellingAt?: number;
  cancelledAt?: number;
}

/** One input line, once validated. */
export interface BatchLine {
  /** 0-based position in the input file. */
  index: number;
  customId: string;
  url: BatchEndpoint;
  body: Record<string, unknown>;
}

/** One line's outcome: a response (any status) or an error that kept it from getting one. */
export interface LineResult {
  index: number;
  customId: string;
  /** The request id Junction gave the line (its ledger entry's). */
  requestId: string;
  status: number;
  /** The response body as the endpoint would have answered it (an OpenAI object, or its error body). */
  body: unknown;
  /** Set when the line did not get a response at all (expired, cancelled, invalid). */
  error?: { code: string; message: string };
  finishedAt: number;
}

/** What a store returns for a listing: newest first, after a cursor. */
export interface BatchListQuery {
  owner: string | undefined;
  after?: string;
  limit: number;
}

/**
 * Where files, batches and line results are kept. Every implementation runs one conformance
 * suite; the memory one for tests and single processes, SQLite to survive a restart.
 */
export interface BatchStore {
  putFile(record: FileRecord, content: Buffer): Promise<void>;
  getFile(id: string): Promise<FileRecord | undefined>;
  fileContent(id: string): Promise<Buffer | undefined>;
  /** Deletes the file and its content; false when there was none. */
  deleteFile(id: string): Promise<boolean>;
  putBatch(record: BatchRecord, lines: readonly BatchLine[]): Promise<void>;
  getBatch(id: string): Promise<BatchRecord | undefined>;
  /** Replaces a batch's record (status, counts, file ids). */
  updateBatch(record: BatchRecord): Promise<void>;
  listBatches(query: BatchListQuery): Promise<BatchRecord[]>;
  /** Batches still to be worked on (validating, in_progress, finalizing, cancelling), nearest deadline first. */
  activeBatches(): Promise<BatchRecord[]>;
  /** Up to `limit` lines of a batch that have no result and are not taken, in input order; they are marked taken. */
  takeLines(batchId: string, limit: number): Promise<BatchLine[]>;
  /** Lines not yet run (not taken, no result). */
  pendingCount(batchId: string): Promise<number>;
  /** Records a line's result (and releases it). */
  putResult(batchId: string, result: LineResult): Promise<void>;
  /** Every result of a batch, in input order. */
  results(batchId: string): Promise<LineResult[]>;
  /** Lines taken but without results (after a restart: run them again). */
  releaseTaken(batchId: string): Promise<void>;
  close(): Promise<void>;
}
