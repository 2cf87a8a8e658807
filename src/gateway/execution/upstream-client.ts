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
export type AbortCause = 'client' | 'deadline' | 'attempt-timeout' | 'first-byte-timeout';

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
   * Send one request and read the whole answer; `onFirstByte` hears of its status line. Uses
   * undici's raw dispatch callbacks: no body stream, no promise per chunk and no AbortSignal,
   * which is most of what a plain request-response round trip costs beyond the socket writes.
   */
  sendBuffered(provider: Provider, request: UpstreamRequest, cancel: Cancel, onFirstByte?: () => void): Promise<BufferedResponse> {
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
            onFirstByte?.();
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

/**
 * Map an error thrown while talking to the upstream onto Junction's catalogue. The message
 * names the provider and the kind of failure only: Node's and undici's own messages carry the
 * upstream's address (`connect ECONNREFUSED 10.0.0.7:8000`), which is the operator's business,
 * not the caller's. It stays in the error's `cause`, which the logs print.
 */
export function transportError(error: unknown, cancel: Cancel | undefined, provider: Provider): JunctionError {
  if (error instanceof JunctionError) return error;
  if (cancel?.aborted) return abortError(cancel.reason as AbortCause | undefined, provider, error);
  const code = (error as { code?: string }).code ?? '';
  const message = `provider ${provider.id}: ${describeTransportFailure(error)}`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new JunctionError('upstream_timeout', message, { cause: error });
  }
  return new JunctionError('upstream_connection', message, { cause: error });
}

/** Words for the failures of a connection, by Node's and undici's error codes. */
const TRANSPORT_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  UND_ERR_CONNECT_TIMEOUT: 'no connection within the connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers within the timeout',
  UND_ERR_BODY_TIMEOUT: 'the response body stalled past the timeout',
  UND_ERR_SOCKET: 'connection closed by the upstream',
  UND_ERR_CLOSED: 'connection pool closed',
  UND_ERR_DESTROYED: 'connection pool closed',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'response body length differs from its Content-Length',
  CERT_HAS_EXPIRED: 'TLS certificate refused',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate refused',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate refused',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate refused',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate refused',
};

/**
 * A transport failure in words fit for a caller: its kind and code (`connection refused
 * (ECONNREFUSED)`), never the error's own message, which names addresses.
 */
export function describeTransportFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  // Codes are identifiers; anything else in the field is not repeated.
  if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]{0,63}$/.test(code)) return 'transport failure';
  const kind = TRANSPORT_FAILURES[code] ?? (code.startsWith('HPE_') ? 'malformed HTTP response' : 'transport failure');
  return `${kind} (${code})`;
}

function abortError(reason: AbortCause | undefined, provider: Provider, cause: unknown): JunctionError {
  switch (reason) {
    case 'attempt-timeout':
      return new JunctionError('upstream_timeout', `provider ${provider.id} did not answer within the attempt timeout`, { cause });
    case 'first-byte-timeout':
      return new JunctionError('upstream_timeout', `provider ${provider.id} sent no first byte within the first-byte timeout`, { cause });
    case 'deadline':
      return new JunctionError('request_timeout', 'the request deadline passed', { cause });
    default:
      return new JunctionError('client_closed', 'the client closed the connection', { cause });
  }
}
