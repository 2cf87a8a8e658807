/**
 * What only a raw socket can send: HTTP that Node's parser refuses, headers or bodies that never
 * finish, more connections than the server takes. Every refusal that can still be answered is
 * answered in the caller's API error shape with its code, and the connection is closed.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJunction, type Junction } from '../../src/app';
import type { ServerSettings } from '../../src/config';
import { createSqliteLedger } from '../../src/ledger';
import { createLogger } from '../../src/observability/logger';
import { startSimulator, type Simulator } from '../../src/simulator';
import { testConfig } from '../support/harness';

interface RawAnswer {
  statusLine: string;
  headers: Map<string, string>;
  body: any;
  text: string;
}

/** The port of a started Junction. */
const portOf = (junction: Junction) => Number(new URL(junction.url).port);

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection. */
function readToClose(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text));
  });
}

function parseAnswer(text: string): RawAnswer {
  const split = text.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const body = text.slice(split + 4);
  return { statusLine, headers, text: body, body: body === '' ? undefined : JSON.parse(body) };
}

/** Send `request` on a new connection (leaving it open, as a slow caller would) and read the answer. */
async function send(port: number, request: string | Buffer): Promise<RawAnswer> {
  const socket = await open(port);
  const answer = readToClose(socket);
  socket.write(request);
  return parseAnswer(await answer);
}

let simulator: Simulator;
const started: Junction[] = [];

async function start(server: Partial<ServerSettings> = {}): Promise<Junction> {
  const config = testConfig(simulator.url);
  const junction = await startJunction(
    { ...config, server: { ...config.server, ...server } },
    { port: 0, ledger: createSqliteLedger({ path: ':memory:' }), logger: createLogger('silent') },
  );
  started.push(junction);
  return junction;
}

beforeAll(async () => {
  simulator = await startSimulator({ apiKey: 'test-key' });
});
afterAll(async () => {
  await Promise.all(started.map((junction) => junction.close()));
  await simulator.close();
});

function expectOpenAIError(answer: RawAnswer, status: number, code: string) {
  expect(answer.statusLine).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
  expect(answer.headers.get('x-junction-error-code')).toBe(code);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.headers.get('connection')).toBe('close');
  expect(answer.body.error).toMatchObject({ message: expect.any(String), type: 'invalid_request_error', code });
}

function expectAnthropicError(answer: RawAnswer, status: number, code: string) {
  expect(answer.statusLine).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
  expect(answer.headers.get('x-junction-error-code')).toBe(code);
  expect(answer.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.any(String) } });
}

describe('HTTP that Node refuses', () => {
  let port: number;
  beforeAll(async () => {
    port = portOf(await start());
  });

  it('a header value with a control byte → 400 invalid_http in OpenAI shape, the value not repeated', async () => {
    const answer = await send(port, 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Secret: abc\x01def\r\nContent-Length: 2\r\n\r\n{}');
    expectOpenAIError(answer, 400, 'invalid_http');
    expect(answer.body.error.message).toContain('not valid HTTP/1.1');
    expect(answer.text).not.toContain('abc');
  });

  it('the same on /v1/messages → Anthropic shape', async () => {
    const answer = await send(port, 'POST /v1/messages HTTP/1.1\r\nHost: x\r\nX-Secret: abc\x01def\r\nContent-Length: 2\r\n\r\n{}');
    expectAnthropicError(answer, 400, 'invalid_http');
  });

  it('both Content-Length and Transfer-Encoding → 400 invalid_http', async () => {
    const answer = await send(port, 'POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}');
    expectAnthropicError(answer, 400, 'invalid_http');
  });

  it('a request line that is not HTTP → 400 invalid_http in OpenAI shape', async () => {
    expectOpenAIError(await send(port, 'HELLO THERE\r\n\r\n'), 400, 'invalid_http');
  });

  it('headers over 16 KB → 431 headers_too_large', async () => {
    const answer = await send(port, `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer.statusLine).toMatch(/^HTTP\/1.1 431 /);
    expect(answer.headers.get('x-junction-error-code')).toBe('headers_too_large');
    expect(answer.body.error.code).toBe('headers_too_large');
    expect(answer.text.length).toBeLessThan(1_000);
  });

  it('a path that is not valid percent-encoding → 400 invalid_request in OpenAI shape', async () => {
    const answer = await send(port, 'GET /v1/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expectOpenAIError(answer, 400, 'invalid_request');
  });

  it('/v1/routing/decision with a Content-Type that is no media type → 400 invalid_request', async () => {
    const body = '{"model":"to-openai","messages":[{"role":"user","content":"hi"}]}';
    const answer = await send(port, `POST /v1/routing/decision HTTP/1.1\r\nHost: x\r\nContent-Type: garbage\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    expectOpenAIError(answer, 400, 'invalid_request');
    expect(answer.body.error.message).toContain('Content-Type');
  });
});

describe('slow callers', () => {
  let junction: Junction;
  beforeAll(async () => {
    junction = await start({ headersTimeoutMs: 200, requestBodyTimeoutMs: 400 });
  });

  it('headers that never finish → 408 client_timeout naming server.headersTimeoutMs', async () => {
    const answer = await send(portOf(junction), 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n');
    expectOpenAIError(answer, 408, 'client_timeout');
    expect(answer.body.error.message).toContain('server.headersTimeoutMs');
  });

  it('a body that never finishes → 408 client_timeout in the caller shape, and a ledger row that says so', async () => {
    const requestId = 'slow-body-1';
    const answer = await send(
      portOf(junction),
      `POST /v1/messages HTTP/1.1\r\nHost: x\r\nx-request-id: ${requestId}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model":`,
    );
    expectAnthropicError(answer, 408, 'client_timeout');
    expect(answer.body.error.message).toContain('server.requestBodyTimeoutMs');
    // The server notes the request's end just after closing the connection.
    let rows: Awaited<ReturnType<Junction['ledger']['query']>> = [];
    for (let attempt = 0; attempt < 100 && rows.length === 0; attempt += 1) {
      await junction.ledger.flush();
      rows = (await junction.ledger.query({ limit: 100 })).filter((entry) => entry.requestId === requestId);
      if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(rows).toEqual([expect.objectContaining({ status: 408, errorCode: 'client_timeout', ingress: 'anthropic' })]);
  });

  it('a caller that keeps up is served', async () => {
    const response = await fetch(`${junction.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'to-openai', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
  });
});

describe('the connection cap', () => {
  it('closes connections over server.maxConnections as they arrive, and accepts again once one closes', async () => {
    const junction = await start({ maxConnections: 2 });
    const port = portOf(junction);
    const health = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
    const held: Socket[] = [];
    for (let index = 0; index < 2; index += 1) {
      const socket = await open(port);
      const answered = new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(String(chunk))));
      socket.write(health);
      expect(await answered).toMatch(/^HTTP\/1.1 200 /);
      held.push(socket);
    }

    const refused = await send(port, health).catch(() => undefined);
    expect(refused === undefined || refused.statusLine === '').toBe(true);

    held[0].destroy();
    // The server counts the closed connection out as soon as it sees it close.
    let served = '';
    for (let attempt = 0; attempt < 50 && !served.startsWith('HTTP/1.1 200'); attempt += 1) {
      const socket = await open(port);
      const answer = readToClose(socket);
      socket.end('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      served = await answer;
      if (!served) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(served).toMatch(/^HTTP\/1.1 200 /);
    held[1].destroy();
  });
});
