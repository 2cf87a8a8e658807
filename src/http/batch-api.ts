/**
 * The OpenAI-compatible Batch API: POST /v1/files (multipart, purpose=batch), GET
 * /v1/files/:id, GET /v1/files/:id/content, DELETE /v1/files/:id, POST /v1/batches, GET
 * /v1/batches/:id, GET /v1/batches, POST /v1/batches/:id/cancel; and GET /admin/forecast.
 * Objects in OpenAI's shapes, so the official clients work unchanged. Files and batches
 * belong to the key that made them; the admin key is not a tenant and may not use them.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessControl } from '../access/access-control';
import type { Scope } from '../access/types';
import type { BatchCaller } from '../batch/batch-service';
import type { BatchRuntime } from '../batch/start-batch';
import type { BatchRecord, FileRecord } from '../batch/types';
import { JunctionError } from '../errors';
import { credentialOf } from './api-endpoints';

export interface BatchApiOptions {
  batch: BatchRuntime;
  access?: Pick<AccessControl, 'require'>;
  maxFileBytes: number;
  /** The admin endpoints' check (GET /admin/forecast). */
  requireAdmin: (request: FastifyRequest) => Promise<void>;
}

const seconds = (ms: number | undefined) => (ms === undefined ? null : Math.floor(ms / 1000));

export function encodeFile(record: FileRecord) {
  return { id: record.id, object: 'file', bytes: record.bytes, created_at: seconds(record.createdAt), filename: record.filename, purpose: record.purpose, status: 'processed', expires_at: null, status_details: null };
}

export function encodeBatch(record: BatchRecord) {
  return {
    id: record.id,
    object: 'batch',
    endpoint: record.endpoint,
    errors: record.errors.length === 0 ? null : { object: 'list', data: record.errors.map((error) => ({ code: error.code, message: error.message, param: error.param ?? null, line: error.line ?? null })) },
    input_file_id: record.inputFileId,
    completion_window: record.completionWindow,
    status: record.status,
    output_file_id: record.outputFileId ?? null,
    error_file_id: record.errorFileId ?? null,
    created_at: seconds(record.createdAt),
    in_progress_at: seconds(record.inProgressAt),
    expires_at: seconds(record.expiresAt),
    finalizing_at: seconds(record.finalizingAt),
    completed_at: seconds(record.completedAt),
    failed_at: seconds(record.failedAt),
    expired_at: seconds(record.expiredAt),
    cancelling_at: seconds(record.cancellingAt),
    cancelled_at: seconds(record.cancelledAt),
    request_counts: { ...record.counts },
    metadata: record.metadata ?? null,
  };
}

export function registerBatchApi(app: FastifyInstance, options: BatchApiOptions): void {
  const { service } = options.batch;

  /** The caller as the Batch API knows it; the admin key is refused (it owns nothing). */
  async function callerOf(request: FastifyRequest, scope: Scope | null): Promise<BatchCaller> {
    const principal = await options.access?.require(credentialOf(request.raw), scope);
    if (principal === 'admin') throw new JunctionError('permission_denied', 'The admin key cannot use the Batch API: files and batches belong to the key that made them; use a virtual key');
    return { id: principal?.id, team: principal?.team };
  }

  void app.register(async function batchRoutes(scoped) {
    await scoped.register(multipart, { limits: { fileSize: options.maxFileBytes, files: 1, fields: 8 } });

    scoped.post('/v1/files', async (request, reply) => {
      const caller = await callerOf(request, null);
      if (!request.isMultipart()) throw new JunctionError('invalid_request', 'Upload files as multipart/form-data with the fields purpose and file');
      let purpose: unknown;
      let upload: { filename: string; content: Buffer } | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          const content = await part.toBuffer();
          if (part.file.truncated) throw new JunctionError('body_too_large', `The file is larger than ${options.maxFileBytes} bytes`, { param: 'file' });
          upload = { filename: part.filename, content };
        } else if (part.fieldname === 'purpose') {
          purpose = part.value;
        }
      }
      if (!upload) throw new JunctionError('invalid_request', 'No file: send it in the multipart field file', { param: 'file' });
      if (typeof purpose !== 'string') throw new JunctionError('invalid_request', "purpose is required ('batch')", { param: 'purpose' });
      const record = await service.uploadFile(caller, upload.filename, purpose, upload.content);
      reply.send(encodeFile(record));
    });
    scoped.get<{ Params: { id: string } }>('/v1/files/:id', async (request) => encodeFile(await service.getFile(await callerOf(request, null), request.params.id)));
    scoped.get<{ Params: { id: string } }>('/v1/files/:id/content', async (request, reply) => {
      const { content } = await service.fileContent(await callerOf(request, null), request.params.id);
      reply.header('content-type', 'application/jsonl').send(content);
    });
    scoped.delete<{ Params: { id: string } }>('/v1/files/:id', async (request) => {
      await service.deleteFile(await callerOf(request, null), request.params.id);
      return { id: request.params.id, object: 'file', deleted: true };
    });

    scoped.post('/v1/batches', async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      // Lines run as chat or embeddings requests: the key needs that scope.
      const caller = await callerOf(request, body.endpoint === '/v1/embeddings' ? 'embeddings' : 'chat');
      const record = await service.createBatch(caller, { inputFileId: body.input_file_id, endpoint: body.endpoint, completionWindow: body.completion_window, metadata: body.metadata });
      return encodeBatch(record);
    });
    scoped.get<{ Params: { id: string } }>('/v1/batches/:id', async (request) => encodeBatch(await service.getBatch(await callerOf(request, null), request.params.id)));
    scoped.get<{ Querystring: { after?: string; limit?: string } }>('/v1/batches', async (request) => {
      const caller = await callerOf(request, null);
      const limit = request.query.limit === undefined ? 20 : Number(request.query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new JunctionError('invalid_request', 'limit must be a whole number from 1 to 100', { param: 'limit' });
      const { batches, hasMore } = await service.listBatches(caller, request.query.after, limit);
      const data = batches.map(encodeBatch);
      return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore };
    });
    scoped.post<{ Params: { id: string } }>('/v1/batches/:id/cancel', async (request) => encodeBatch(await service.cancelBatch(await callerOf(request, null), request.params.id)));

    scoped.get('/admin/forecast', { onRequest: options.requireAdmin }, async () => options.batch.report());
  });
}
