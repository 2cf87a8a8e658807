/**
 * Test support: a real HTTP server on 127.0.0.1 that hands each request's JSON body to a
 * handler and writes what it returns. Lets the official client SDKs talk to Junction's pure
 * encoders and decoders over real HTTP, with no gateway in between.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the handler sees of one request. */
export interface LoopbackRequest {
  method: string;
  path: string;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
}

/** What to answer. Several body chunks are written separately, as a stream would be. */
export interface LoopbackResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | readonly string[];
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Every request received so far, in order. */
  requests: LoopbackRequest[];
  close(): Promise<void>;
}

export type LoopbackHandler = (request: LoopbackRequest) => LoopbackResponse;

export async function startLoopbackServer(handler: LoopbackHandler): Promise<LoopbackServer> {
  const requests: LoopbackRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    void readBody(incoming).then((text) => {
      const request: LoopbackRequest = {
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        body: text === '' ? undefined : JSON.parse(text),
      };
      requests.push(request);
      const response = handler(request);
      outgoing.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
      for (const chunk of typeof response.body === 'string' ? [response.body] : response.body) outgoing.write(chunk);
      outgoing.end();
    }).catch((error: unknown) => {
      // A broken handler is a broken test: answer loudly rather than leave the client hanging.
      outgoing.writeHead(500, { 'content-type': 'text/plain' });
      outgoing.end(`loopback handler failed: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function readBody(incoming: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
