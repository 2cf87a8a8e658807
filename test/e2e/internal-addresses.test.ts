/**
 * A deployment whose upstream refuses connections: the caller learns which deployment failed
 * and how, never the address Junction tried (that is the operator's network), while the log
 * line keeps it for the operator.
 */
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJunction, type Junction } from '../../src/app';
import { createSqliteLedger } from '../../src/ledger';
import { startSimulator, type Simulator } from '../../src/simulator';
import { testConfig } from '../support/harness';

let simulator: Simulator;
let junction: Junction;
let closedPort: number;
const logLines: Array<Record<string, unknown>> = [];

/** A port nothing listens on: bound once to get it, then closed. */
async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  closedPort = await closedLoopbackPort();
  simulator = await startSimulator({ apiKey: 'test-key' });
  const config = testConfig(simulator.url, {
    providers: { 'closed-port': { kind: 'openai', baseUrl: `http://127.0.0.1:${closedPort}/v1`, apiKey: 'x' } },
    deployments: { unreachable: { provider: 'closed-port', model: 'gpt-4o-mini', pricing: { input: 1, output: 1 }, contextWindow: 128_000, capabilities: ['chat', 'streaming'] } },
    routes: { 'only-unreachable': { deployments: ['unreachable'], retry: { attempts: 1, baseDelayMs: 1 } } },
  });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  junction = await startJunction(config, { port: 0, ledger: createSqliteLedger({ path: ':memory:' }), logger: pino({ level: 'warn' }, sink) });
});
afterAll(async () => {
  await junction?.close();
  await simulator?.close();
});

const address = () => `127.0.0.1:${closedPort}`;
const user = [{ role: 'user', content: 'hi' }];

async function call(path: string, body: unknown) {
  const response = await fetch(junction.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const headers = [...response.headers.entries()].map(([name, value]) => `${name}: ${value}`).join('\n');
  return { status: response.status, headers, text: await response.text() };
}

describe('an upstream that refuses connections', () => {
  it.each([
    ['OpenAI, whole answer', '/v1/chat/completions', { model: 'only-unreachable', messages: user }],
    ['OpenAI, streamed', '/v1/chat/completions', { model: 'only-unreachable', messages: user, stream: true }],
    ['Anthropic, whole answer', '/v1/messages', { model: 'only-unreachable', max_tokens: 5, messages: user }],
    ['Anthropic, streamed', '/v1/messages', { model: 'only-unreachable', max_tokens: 5, messages: user, stream: true }],
  ])('%s: the error names the deployment and the failure, not the address', async (_name, path, body) => {
    junction.services.store.forget('unreachable');
    const answer = await call(path, body);
    expect(answer.status).toBe(503);
    expect(answer.text).toContain('unreachable');
    expect(answer.text).toContain('connection refused');
    expect(answer.text).not.toContain(address());
    expect(answer.text).not.toContain(String(closedPort));
    expect(answer.headers).not.toContain(String(closedPort));
  });

  it('GET /v1/providers shows the last error without the address', async () => {
    const providers = (await (await fetch(`${junction.url}/v1/providers`)).json()) as { data: Array<{ deployment?: string; lastError?: { message: string } }> };
    const text = JSON.stringify(providers);
    expect(text).toContain('connection refused (ECONNREFUSED)');
    expect(text).not.toContain(address());
  });

  it('the log line keeps the address for the operator', () => {
    const failed = logLines.filter((line) => line.msg === 'request failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(JSON.stringify(failed)).toContain(address());
    expect(String(failed[0].err)).not.toContain(address());
  });
});
