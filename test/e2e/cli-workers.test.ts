/**
 * `junction serve --workers N`: N processes behind one port, each with its own ledger file.
 * Requests on fresh connections are spread over the workers by node:cluster, every request
 * lands in exactly one worker's ledger, and SIGTERM on the primary stops them all gracefully.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerLedgerPath } from '../../src/cli/serve-command';
import { startSimulator, type Simulator } from '../../src/simulator';
import { spawnJunction } from '../support/cli';

describe('workerLedgerPath', () => {
  it.each([
    ['junction.db', 1, 'junction.worker-1.db'],
    ['/var/lib/junction/ledger.sqlite', 2, '/var/lib/junction/ledger.worker-2.sqlite'],
    ['/data.d/ledger', 3, '/data.d/ledger.worker-3'],
    ['/srv/.ledger', 1, '/srv/.ledger.worker-1'],
    [':memory:', 2, ':memory:'],
  ])('%s, worker %i → %s', (path, index, expected) => {
    expect(workerLedgerPath(path, index)).toBe(expected);
  });
});

describe('junction serve --workers', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/junction.js', ...args], { encoding: 'utf8' });

  it.each([
    [['serve', '--demo', '--workers', '0'], '--workers'],
    [['serve', '--demo', '--workers', 'two'], '--workers'],
    [['check', 'examples/demo/junction.yaml', '--workers', '2'], '--workers'],
    [['serve', '--demo', '--workers', '2'], 'simulated upstreams'],
  ])('refuses %j with exit code 2', (args, message) => {
    const result = run(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  let simulator: Simulator;
  let dir: string;
  beforeAll(async () => {
    simulator = await startSimulator({ defaults: { replyTokens: 8 } });
    dir = mkdtempSync(join(tmpdir(), 'junction-workers-'));
    writeFileSync(
      join(dir, 'junction.yaml'),
      `server: { port: 0 }
logging: { level: warn }
ledger: { kind: sqlite, path: junction.db, flushIntervalMs: 50 }
providers:
  sim: { kind: openai, baseUrl: "${simulator.url}/v1", apiKey: test }
deployments:
  mini: { provider: sim, model: gpt-4o-mini, pricing: { input: 0.15, output: 0.6 }, contextWindow: 128000 }
routes:
  chat: { deployments: [mini] }
`,
    );
  });
  afterAll(() => simulator.close());

  it('serves from every worker, records each request once, and exits 0 on SIGTERM', async () => {
    const { child, exited, output, match } = await spawnJunction(['serve', '-c', join(dir, 'junction.yaml'), '--port', '0', '--workers', '2'], /Junction listening on (http:\/\/\S+) \(2 worker processes\)/);
    const url = match[1];
    try {
      const total = 40;
      const statuses: number[] = [];
      // One connection per request: node:cluster hands out connections, not requests.
      for (let batch = 0; batch < total / 8; batch++) {
        statuses.push(...(await Promise.all(Array.from({ length: 8 }, () => postOnNewConnection(url)))));
      }
      expect(statuses).toEqual(Array(total).fill(200));
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, output()).toBe(0);

    const rows = [1, 2].map((index) => {
      const path = join(dir, workerLedgerPath('junction.db', index));
      expect(existsSync(path), path).toBe(true);
      const db = new Database(path, { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM requests WHERE status = 200').get() as { n: number }).n;
      } finally {
        db.close();
      }
    });
    expect(rows[0] + rows[1]).toBe(40);
    expect(rows[0]).toBeGreaterThan(0);
    expect(rows[1]).toBeGreaterThan(0);
    expect(simulator.stats().byModel['gpt-4o-mini'].completed).toBe(40);
  }, 90_000);
});

function postOnNewConnection(url: string): Promise<number> {
  const body = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hello' }] });
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/v1/chat/completions`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', connection: 'close' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}
