/**
 * The floor: the least a Node.js proxy can do. node:http in, an undici keep-alive pool out,
 * method/path/headers/body forwarded and the answer piped back; no parsing, no routing. What
 * Junction costs is measured against this, not against the bare upstream.
 *
 * `node --import tsx bench/floor-proxy.ts <upstream origin> <port>` prints `listening <url>`.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

// Connection-level headers belong to each hop; undici refuses some of them outright.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'host', 'proxy-connection', 'te', 'trailer']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !HOP_BY_HOP.has(name)) result[name] = value;
  }
  return result;
}

const [upstream = 'http://127.0.0.1:4010', port = '0'] = process.argv.slice(2);
const pool = new Pool(upstream, { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 });

const server = createServer(function forward(request, response) {
  pool
    .request({ method: request.method as 'POST', path: request.url ?? '/', headers: forwardable(request.headers), body: request })
    .then(
      (answer) => {
        response.writeHead(answer.statusCode, forwardable(answer.headers));
        answer.body.pipe(response);
      },
      () => {
        response.writeHead(502, { 'content-type': 'application/json' });
        response.end('{"error":{"message":"upstream unreachable","type":"server_error"}}');
      },
    );
});
server.keepAliveTimeout = 60_000;
server.listen(Number(port), '127.0.0.1', () => console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}`));
process.once('SIGTERM', () => server.close(() => void pool.close().then(() => process.exit(0))).closeAllConnections());
