/**
 * MCP over stdio: `junction mcp -c junction.yaml` runs the gateway in this process (no HTTP
 * port) and serves the tools on stdin/stdout, for agents that launch their tools as commands.
 * Whoever can start the process can read its config, so the stdio caller is trusted like the
 * admin; the ledger records its requests with ingress `mcp`.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { SpendQuery } from '../ledger/reports';
import type { Router } from '../library/create-router';
import { VERSION } from '../version';
import { createMcpServer } from './server';

/** The gateway in this process, as app.ts wires it for the stdio server. */
export interface InProcessGateway {
  router: Router;
  spend: (query: SpendQuery) => Promise<unknown>;
  close(): Promise<void>;
}

export interface StdioMcp {
  closed: Promise<void>;
  close(): Promise<void>;
}

export async function serveMcpOverStdio(gateway: InProcessGateway, streams: { stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream } = {}): Promise<StdioMcp> {
  const { router } = gateway;
  const server = createMcpServer(
    {
      operations: router.operations,
      chat: (request, context) => router.chat(request, { ingress: 'mcp', ...(context.hints ? { hints: context.hints } : {}) }),
      spend: gateway.spend,
      authorize: async () => 'stdio',
    },
    VERSION,
  );
  const transport = new StdioServerTransport(streams.stdin as never, streams.stdout as never);
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await server.close();
      await gateway.close();
      resolveClosed();
    })());
  transport.onclose = () => void close();
  await server.connect(transport);
  return { closed, close };
}
