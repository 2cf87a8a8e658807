/**
 * `junction mcp` through the official MCP client over stdio: the CLI starts the gateway in its
 * own process on a config file and serves the same tools as /mcp; requests are routed to the
 * (simulated) upstream and recorded in the config's ledger with ingress `mcp`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteLedger } from '../../src/ledger';
import { MCP_ERRORS } from '../../src/mcp/errors';
import { startSimulator, type Simulator } from '../../src/simulator';

let simulator: Simulator;
let directory: string;
let client: Client;

beforeAll(async () => {
  simulator = await startSimulator({ apiKey: 'test-key' });
  directory = mkdtempSync(join(tmpdir(), 'junction-mcp-'));
  const config = `
ledger: { kind: sqlite, path: ${JSON.stringify(join(directory, 'junction.db'))}, flushIntervalMs: 5 }
providers:
  sim: { kind: openai, baseUrl: "${simulator.url}/v1", apiKey: test-key }
deployments:
  mini: { provider: sim, model: gpt-4o-mini, pricing: { input: 0.15, output: 0.6 }, contextWindow: 128000 }
routes:
  chat: { deployments: [mini] }
`;
  writeFileSync(join(directory, 'junction.yaml'), config);
  client = new Client({ name: 'junction-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: ['bin/junction.js', 'mcp', '-c', join(directory, 'junction.yaml')], stderr: 'pipe' }));
}, 60_000);

afterAll(async () => {
  await client?.close();
  await simulator?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('junction mcp (stdio)', () => {
  it('lists the tools and routes a request, recorded in the ledger as mcp', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('route_request');
    const result = await client.callTool({ name: 'route_request', arguments: { model: 'chat', messages: [{ role: 'user', content: 'Hello' }] } });
    expect(result.structuredContent).toMatchObject({ route: 'chat', deployment: 'mini' });
    const routes = await client.callTool({ name: 'list_routes', arguments: {} });
    expect(routes.structuredContent).toMatchObject({ routes: [expect.objectContaining({ name: 'chat' })] });
    const spend = await client.callTool({ name: 'get_spend', arguments: { group_by: ['route'] } });
    expect(JSON.stringify(spend.structuredContent)).toContain('chat');
    await client.close();
    // The child flushed its ledger when stdin closed.
    const ledger = createSqliteLedger({ path: join(directory, 'junction.db') });
    try {
      const rows = await ledger.query({ route: 'chat' });
      expect(rows.map((row) => row.ingress)).toEqual(['mcp']);
    } finally {
      await ledger.close();
    }
  });

  it('reports an unknown route as invalid params', async () => {
    const again = new Client({ name: 'junction-test', version: '1.0.0' });
    await again.connect(new StdioClientTransport({ command: process.execPath, args: ['bin/junction.js', 'mcp', '-c', join(directory, 'junction.yaml')], stderr: 'pipe' }));
    const error = await again.callTool({ name: 'route_request', arguments: { model: 'nope', messages: [{ role: 'user', content: 'Hi' }] } }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(MCP_ERRORS.INVALID_PARAMS);
    await again.close();
  });
});
