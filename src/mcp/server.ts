/**
 * Junction as an MCP server: the tools of ./tools over the official SDK's low-level server, so
 * that failures are JSON-RPC errors with Junction's codes (see ./errors) rather than tool
 * results an agent might read as an answer. One server per connection (stdio) or per request
 * (stateless streamable HTTP); the caller's identity comes with the deps.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { isJunctionError } from '../errors';
import { invalidParams, toMcpError } from './errors';
import { TOOLS, type McpDeps } from './tools';

export const MCP_SERVER_NAME = 'junction';

export function createMcpServer(deps: McpDeps, version: string): Server {
  const server = new Server({ name: MCP_SERVER_NAME, version }, { capabilities: { tools: {} } });
  const tools = new Map(TOOLS.map((tool) => [tool.name, tool]));

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: TOOLS.map((tool) => ({ name: tool.name, description: tool.description, inputSchema: z.toJSONSchema(tool.input, { io: 'input' }) as { type: 'object' } })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = tools.get(request.params.name);
    if (tool === undefined) throw invalidParams(`no tool ${request.params.name}; tools: ${TOOLS.map((known) => known.name).join(', ')}`);
    const parsed = tool.input.safeParse(request.params.arguments ?? {});
    if (!parsed.success) throw invalidParams(`${tool.name}: ${describeIssues(parsed.error)}`);
    try {
      const actor = await deps.authorize(tool.scope);
      const { text, data } = await tool.run(deps, parsed.data, actor);
      return { content: [{ type: 'text' as const, text }], structuredContent: data };
    } catch (error) {
      throw toMcpError(error, tool.name === 'route_request' && everyBreakerOpen(deps, error, (parsed.data as { model: string }).model));
    }
  });
  return server;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'arguments'}: ${issue.message}`).join('; ');
}

/** Whether a failed request's route had every deployment's breaker open: then the outage is CIRCUIT_OPEN. */
function everyBreakerOpen(deps: McpDeps, error: unknown, model: string): boolean {
  if (!isJunctionError(error) || error.code !== 'all_deployments_failed') return false;
  const route = deps.operations.routes().find((candidate) => candidate.name === model);
  if (route === undefined) return false;
  const deployments = new Set(route.tiers.flatMap((tier) => tier.deployments));
  const statuses = deps.operations.status().filter((status) => deployments.has(status.deployment));
  return statuses.length > 0 && statuses.every((status) => status.breaker.status === 'open');
}
