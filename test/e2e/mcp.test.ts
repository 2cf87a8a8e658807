/**
 * Junction's MCP server through the official MCP client over streamable HTTP at /mcp: the
 * tools are listed with their schemas, route_request goes through normal routing, the read
 * tools answer from the operations layer, and failures are JSON-RPC errors with Junction's
 * codes and a recovery hint; keys and scopes apply per tool.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/access/keys';
import { MCP_ERRORS } from '../../src/mcp/errors';
import { startHarness, type Harness } from '../support/harness';

const full = generateKey();
const chatOnly = generateKey();
const limited = generateKey();
const broke = generateKey();

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    routes: { tiny: { deployments: ['tiny-window'] }, fragile: { deployments: ['fragile'], breaker: { consecutiveFailures: 2, cooldownMs: 60_000 }, retry: { attempts: 0 } } },
    deployments: {
      'tiny-window': { provider: 'sim-openai', model: 'gpt-4o-mini', pricing: { input: 1, output: 1 }, contextWindow: 64 },
      fragile: { provider: 'sim-openai', model: 'fragile-model', pricing: { input: 1, output: 1 }, contextWindow: 8_000 },
    },
    auth: {
      mode: 'keys',
      keys: [
        { id: 'full', hash: full.hash, scopes: ['chat', 'routing:read', 'admin'] },
        { id: 'chat-only', hash: chatOnly.hash, scopes: ['chat'] },
        { id: 'limited', hash: limited.hash, limits: { rpm: 1, burst: 1 } },
        { id: 'broke', hash: broke.hash, budgets: [{ usd: 0.000001, period: 'lifetime' }] },
      ],
    },
  });
});
afterAll(() => harness.close());
beforeEach(() => harness.reset());

async function connect(key?: string): Promise<Client> {
  const client = new Client({ name: 'junction-test', version: '1.0.0' });
  const headers: Record<string, string> = key === undefined ? {} : { authorization: `Bearer ${key}` };
  await client.connect(new StreamableHTTPClientTransport(new URL(`${harness.url}/mcp`), { requestInit: { headers } }));
  return client;
}

async function mcpErrorOf(call: Promise<unknown>): Promise<McpError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

const hello = { model: 'to-openai', messages: [{ role: 'user', content: 'Hello' }] };

describe('MCP over streamable HTTP', () => {
  it('lists the five tools with their argument schemas', async () => {
    const client = await connect(full.key);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['route_request', 'configure_routing', 'get_provider_status', 'list_routes', 'get_spend']);
    const route = tools.find((tool) => tool.name === 'route_request')!;
    expect(route.inputSchema.required).toEqual(['model', 'messages']);
    await client.close();
  });

  it('route_request goes through normal routing and reports the decision', async () => {
    const client = await connect(full.key);
    const result = await client.callTool({ name: 'route_request', arguments: hello });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ route: 'to-openai', deployment: 'openai-mini', attempts: 1, fallbackTier: 'primary' });
    expect((result.content as Array<{ text: string }>)[0]!.text.length).toBeGreaterThan(0);
    const [row] = await harness.junction.ledger.query({ route: 'to-openai', limit: 1 });
    expect(row).toMatchObject({ ingress: 'mcp', principal: 'full', status: 200 });
    await client.close();
  });

  it('answers the read tools from the operations layer', async () => {
    const client = await connect(full.key);
    const routes = await client.callTool({ name: 'list_routes', arguments: {} });
    expect((routes.structuredContent as { routes: Array<{ name: string }> }).routes.map((route) => route.name)).toContain('failover');
    const one = await client.callTool({ name: 'get_provider_status', arguments: { deployment: 'openai-mini' } });
    expect(one.structuredContent).toEqual({ deployments: [expect.objectContaining({ deployment: 'openai-mini', breaker: 'closed' })] });
    const detailed = await client.callTool({ name: 'get_provider_status', arguments: { deployment: 'openai-mini', include_metrics: true } });
    expect((detailed.structuredContent as { deployments: Array<Record<string, unknown>> }).deployments[0]).toHaveProperty('tokensThisMinute');
    await client.close();
  });

  it.each([
    ['bad arguments', 'full', { name: 'route_request', arguments: { model: 'to-openai' } }, MCP_ERRORS.INVALID_PARAMS, /messages/],
    ['an unknown tool', 'full', { name: 'launch_rockets', arguments: {} }, MCP_ERRORS.INVALID_PARAMS, /no tool launch_rockets/],
    ['a request no deployment can hold', 'full', { name: 'route_request', arguments: { model: 'tiny', messages: [{ role: 'user', content: 'word '.repeat(500) }] } }, MCP_ERRORS.CAPABILITY_MISMATCH, /context window/],
    ['a key without the scope', 'chat-only', { name: 'list_routes', arguments: {} }, MCP_ERRORS.UNAUTHORIZED, /routing:read/],
    ['a budget used up', 'broke', { name: 'route_request', arguments: hello }, MCP_ERRORS.BUDGET_EXCEEDED, /budget/i],
  ])('%s is a JSON-RPC error with its code and a hint', async (_name, keyId, call, code, message) => {
    const key = { full, 'chat-only': chatOnly, broke }[keyId]!.key;
    const client = await connect(key);
    if (keyId === 'broke') await client.callTool({ name: 'route_request', arguments: hello }).catch(() => undefined);
    const error = await mcpErrorOf(client.callTool(call));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect((error.data as { hint: string }).hint.length).toBeGreaterThan(10);
    await client.close();
  });

  it('a rate limit is RATE_LIMIT_EXCEEDED with the seconds to wait', async () => {
    const client = await connect(limited.key);
    await client.callTool({ name: 'route_request', arguments: hello });
    const error = await mcpErrorOf(client.callTool({ name: 'route_request', arguments: hello }));
    expect(error.code).toBe(MCP_ERRORS.RATE_LIMIT_EXCEEDED);
    expect((error.data as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    await client.close();
  });

  it('an outage is PROVIDER_UNAVAILABLE, and CIRCUIT_OPEN once every breaker is open', async () => {
    harness.simulator.setBehaviour('fragile-model', { down: true });
    const client = await connect(full.key);
    const first = await mcpErrorOf(client.callTool({ name: 'route_request', arguments: { ...hello, model: 'fragile' } }));
    expect(first.code).toBe(MCP_ERRORS.PROVIDER_UNAVAILABLE);
    expect(first.data).toMatchObject({ junctionCode: 'all_deployments_failed' });
    const second = await mcpErrorOf(client.callTool({ name: 'route_request', arguments: { ...hello, model: 'fragile' } }));
    expect(second.code).toBe(MCP_ERRORS.CIRCUIT_OPEN);
    expect((second.data as { hint: string }).hint).toContain('circuit breaker');
    await client.close();
  });

  it('refuses a caller without a key', async () => {
    const client = await connect();
    const error = await mcpErrorOf(client.callTool({ name: 'list_routes', arguments: {} }));
    expect(error.code).toBe(MCP_ERRORS.UNAUTHORIZED);
    await client.close();
  });
});

describe('configure_routing', () => {
  it('changes a route’s strategy and order through the reload path, audited; an invalid change is refused and changes nothing', async () => {
    const client = await connect(full.key);
    const result = await client.callTool({ name: 'configure_routing', arguments: { route: 'failover', strategy: 'round-robin', deployments: ['gemini-flash', 'openai-big'] } });
    expect(result.structuredContent).toMatchObject({ result: { applied: true, routes: { changed: ['failover'] } } });
    const routes = await client.callTool({ name: 'list_routes', arguments: {} });
    expect((routes.structuredContent as { routes: Array<{ name: string; strategy: string; tiers: Array<{ deployments: string[] }> }> }).routes.find((route) => route.name === 'failover')).toMatchObject({
      strategy: 'round-robin',
      tiers: [{ deployments: ['gemini-flash', 'openai-big'] }],
    });
    const audit = await harness.junction.access.store.auditLog({ limit: 1 });
    expect(audit[0]).toMatchObject({ actor: 'key:full', action: 'routing.configure' });

    const error = await mcpErrorOf(client.callTool({ name: 'configure_routing', arguments: { route: 'failover', deployments: ['ghost'] } }));
    expect(error.code).toBe(MCP_ERRORS.INVALID_PARAMS);
    expect(error.message).toMatch(/routes\.failover\.deployments\[0\].*ghost/);
    expect(harness.junction.config().catalog.routes.get('failover')?.deployments).toEqual(['gemini-flash', 'openai-big']);
    await client.close();
  });

  it('needs the admin scope', async () => {
    const client = await connect(chatOnly.key);
    const error = await mcpErrorOf(client.callTool({ name: 'configure_routing', arguments: { route: 'failover', strategy: 'priority' } }));
    expect(error.code).toBe(MCP_ERRORS.UNAUTHORIZED);
    await client.close();
  });
});
