import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../routing/catalog';
import { Cancel } from './cancel';
import { UpstreamClient } from './upstream-client';

// A real upstream over HTTP: answers /ok at once, holds /hold until the client goes away.
let server: Server;
let closedByClient = 0;
const client = new UpstreamClient();

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/v1/ok') {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      response.end('{"error":"slow down"}');
      return;
    }
    request.socket.once('close', () => (closedByClient += 1));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"partial":');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const provider = (port: number): Provider => ({
  id: `p-${port}`,
  kind: 'openai',
  baseUrl: `http://127.0.0.1:${port}/v1`,
  timeoutMs: 5_000,
  connectTimeoutMs: 1_000,
  maxConnections: 4,
  headers: {},
});
const port = () => (server.address() as AddressInfo).port;
const get = (path: string) => ({ method: 'GET' as const, path, headers: {}, body: '' });

describe('UpstreamClient.sendBuffered', () => {
  it('reads the whole answer, status and (on demand) headers', async () => {
    const answer = await client.sendBuffered(provider(port()), get('/ok'), new Cancel());
    expect(answer.status).toBe(429);
    expect(answer.body.toString()).toBe('{"error":"slow down"}');
    expect(answer.headers()['retry-after']).toBe('3');
  });

  it.each([
    ['client', 'client_closed'],
    ['attempt-timeout', 'upstream_timeout'],
    ['hedge-lost', 'attempt_cancelled'],
  ])('a scope cancelled with %s mid-answer rejects with %s and closes the upstream connection', async (reason, code) => {
    const before = closedByClient;
    const cancel = new Cancel();
    const pending = client.sendBuffered(provider(port()), get('/hold'), cancel);
    await new Promise((resolve) => setTimeout(resolve, 50));
    cancel.abort(reason);
    await expect(pending).rejects.toMatchObject({ code });
    await expect.poll(() => closedByClient).toBe(before + 1);
  });

  it('a scope already cancelled never sends', async () => {
    const cancel = new Cancel();
    cancel.abort('deadline');
    await expect(client.sendBuffered(provider(port()), get('/ok'), cancel)).rejects.toMatchObject({ code: 'request_timeout' });
  });

  it('a refused connection is an upstream_connection error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(client.sendBuffered(provider(unused), get('/ok'), new Cancel())).rejects.toMatchObject({ code: 'upstream_connection' });
  });
});
