/**
 * MCP over streamable HTTP at `/mcp`, stateless: each POST is one JSON-RPC exchange with its own
 * server and transport (no sessions to keep or leak across replicas). GET (a standing event
 * stream) and DELETE (ending a session) have nothing to serve without sessions: 405.
 * Authenticated like the HTTP API: the key from `Authorization: Bearer` or `x-api-key`, and
 * each tool's scope checked when it is called.
 */
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../access/access-control';
import { actorOf } from '../access/caller';
import { Cancel } from '../gateway/execution/cancel';
import type { Pipeline } from '../gateway/pipeline';
import { timeOrderedId } from '../gateway/request-id';
import { credentialOf } from '../http/api-endpoints';
import type { Operations } from '../operations';
import { createMcpServer } from './server';
import type { McpDeps } from './tools';

export interface McpHttpOptions {
  pipeline: Pipeline;
  operations: Operations;
  access?: Pick<AccessControl, 'require'>;
  spend?: McpDeps['spend'];
  configure?: McpDeps['configure'];
  version: string;
}

export function registerMcpEndpoint(app: FastifyInstance, options: McpHttpOptions): void {
  app.post('/mcp', async function mcp(request, reply) {
    const credential = credentialOf(request.raw);
    const deps: McpDeps = {
      operations: options.operations,
      ...(options.spend ? { spend: options.spend } : {}),
      ...(options.configure ? { configure: options.configure } : {}),
      authorize: async (scope) => actorOf(await options.access?.require(credential, scope)),
      chat: (chat, context) => {
        const cancel = new Cancel();
        request.raw.once('close', () => {
          if (!reply.raw.writableFinished) cancel.abort('client');
        });
        return options.pipeline.chat(chat, { requestId: timeOrderedId(), ingress: 'mcp', cancel, ...(credential === undefined ? {} : { credential }), ...(context.hints ? { hints: context.hints } : {}) });
      },
    };
    const server = createMcpServer(deps, options.version);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });

  const notAllowed = async (_request: unknown, reply: { code(status: number): { header(name: string, value: string): { send(body: unknown): unknown } } }) =>
    reply.code(405).header('allow', 'POST').send({ jsonrpc: '2.0', error: { code: -32000, message: 'This MCP endpoint is stateless: POST JSON-RPC messages to it; there is no session stream to GET or DELETE.' }, id: null });
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);
}

