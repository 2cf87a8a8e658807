/**
 * Sends adapter-built requests upstream over undici keep-alive pools, one pool per provider,
 * and turns transport failures into coded errors. Knows nothing about wire formats.
 */
import { Pool, util, type Dispatcher } from 'undici';
import { JunctionError } from '../../errors';
import type { Provider } from '../../routing/catalog';
import type { UpstreamRequest } from '../../providers/types';
import type { Cancel } from './cancel';

export type UpstreamHeaders = Record<string, string | string[] | undefined>;

/** A streamed answer: resolved at the response headers, the body read by the caller. */
export interface UpstreamResponse {
  status: number;
  headers: UpstreamHeaders;
  body: Dispatcher.ResponseData['body'];
}

/** A whole answer, read into memory. Headers are parsed only when asked for (error answers). */
export interface BufferedResponse {
  status: number;
  body: Buffer;
  headers(): UpstreamHeaders;
}

/** Why an attempt's signal fired, so a transport error can be told apart from our own abort. */
export type AbortCause = 'client' | 'deadline' | 'attempt-timeout' | 'hedge-lost';

export class UpstreamClient {
  private readonly pools = new Map<string, { pool: Pool; pathPrefix: string }>();

  /** Send one request. Resolves once response headers arrive; the caller consumes or dumps the body. */
  async send(provider: Provider, request: UpstreamRequest, cancel: Cancel): Promise<UpstreamResponse> {
    const { pool, pathPrefix } = this.poolFor(provider);
    const signal = cancel.signal;
    try {
      const response = await pool.request({
        method: request.method,
        path: pathPrefix + request.path,
        headers: request.headers,
        body: request.method === 'GET' ? undefined : request.body,
        signal,
        // The attempt timeout is enforced by the caller's signal; these only guard against stalls.
        headersTimeout: provider.timeoutMs,
        bodyTimeout: provider.timeoutMs,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      throw transportError(error, cancel, provider);
    }
  }

  /**
   * Send one request and read the whole answer. Uses undici's raw dispatch callbacks: no body
   * stream, no promise per chunk and no AbortSignal, which is most of what a plain
   * request-response round trip costs beyond the socket writes.
   */
  sendBuffered(provider: Provider, request: UpstreamRequest, cancel: Cancel): Promise<BufferedResponse> {
    const { pool, pathPrefix } = this.poolFor(provider);
    return new Promise<BufferedResponse>((resolve, reject) => {
      let status = 0;
      let rawHeaders: Buffer[] = [];
      const chunks: Buffer[] = [];
      let stopListening: (() => void) | undefined;
      const fail = (error: unknown) => {
        stopListening?.();
        reject(transportError(error, cancel, provider));
      };
      if (cancel.aborted) return fail(new Error('aborted before sending'));
      pool.dispatch(
        {
          method: request.method,
          path: pathPrefix + request.path,
          headers: request.headers,
          body: request.method === 'GET' ? null : request.body,
          headersTimeout: provider.timeoutMs,
          bodyTimeout: provider.timeoutMs,
        },
        {
          onConnect(abort: (reason?: Error) => void) {
            stopListening = cancel.onAbort(() => abort(new Error('aborted')));
          },
          onHeaders(statusCode: number, headers: Buffer[]) {
            status = statusCode;
            rawHeaders = headers;
            return true;
          },
          onData(chunk: Buffer) {
            chunks.push(chunk);
            return true;
          },
          onComplete() {
            stopListening?.();
            const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
            resolve({ status, body, headers: () => util.parseHeaders(rawHeaders) as UpstreamHeaders });
          },
          onError: fail,
        } as unknown as Dispatcher.DispatchHandler,
      );
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map(({ pool }) => pool.close().catch(() => pool.destroy())));
    this.pools.clear();
  }

  private poolFor(provider: Provider): { pool: Pool; pathPrefix: string } {
    let entry = this.pools.get(provider.id);
    if (entry === undefined) {
      const url = new URL(provider.baseUrl);
      entry = {
        pool: new Pool(url.origin, {
          connections: provider.maxConnections,
          connect: { timeout: provider.connectTimeoutMs },
          keepAliveTimeout: 30_000,
          pipelining: 1,
        }),
        pathPrefix: url.pathname.replace(/\/+$/, ''),
      };
      this.pools.set(provider.id, entry);
    }
    return entry;
  }
}

/** Map an error thrown while talking to the upstream onto Junction's catalogue. */
export function transportError(error: unknown, cancel: Cancel | undefined, provider: Provider): JunctionError {
  if (error instanceof JunctionError) return error;
  if (cancel?.aborted) return abortError(cancel.reason as AbortCause | undefined, provider, error);
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new JunctionError('upstream_timeout', `provider ${provider.id}: ${message}`, { cause: error });
  }
  return new JunctionError('upstream_connection', `provider ${provider.id}: ${code ? `${code} ` : ''}${message}`, { cause: error });
}

function abortError(reason: AbortCause | undefined, provider: Provider, cause: unknown): JunctionError {
  switch (reason) {
    case 'attempt-timeout':
      return new JunctionError('upstream_timeout', `provider ${provider.id} did not answer within the attempt timeout`, { cause });
    case 'hedge-lost':
      return new JunctionError('attempt_cancelled', 'another hedged attempt answered first', { cause });
    case 'deadline':
      return new JunctionError('request_timeout', 'the request deadline passed', { cause });
    default:
      return new JunctionError('client_closed', 'the client closed the connection', { cause });
  }
}
