/**
 * MCP over stdio: `junction mcp -c junction.yaml` runs the gateway in this process (no HTTP
 * port) and serves the tools on stdin/stdout, for agents that launch their tools as commands.
 * Whoever can start the process can read its config, so the stdio caller is trusted like the
 * admin; the ledger records its requests with ingress `mcp`.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JunctionConfig } from '../config/types';
import { createLedger } from '../ledger';
import { createRouter } from '../library/create-router';
import { startSimulator, type Simulator } from '../simulator';
import { VERSION } from '../version';
import { createMcpServer } from './server';

export interface StdioMcp {
  closed: Promise<void>;
  close(): Promise<void>;
}

export async function serveMcpOverStdio(config: JunctionConfig, streams: { stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream } = {}): Promise<StdioMcp> {
  const simulator: Simulator | undefined = config.simulator
    ? await startSimulator({ host: config.simulator.host, port: config.simulator.port, defaults: config.simulator.defaults, models: config.simulator.models })
    : undefined;
  const ledger = createLedger(config.ledger);
  const router = createRouter(config, { ledger });
  const server = createMcpServer(
    {
      operations: router.operations,
      chat: (request, context) => router.chat(request, { ingress: 'mcp', ...(context.hints ? { hints: context.hints } : {}) }),
      spend: (query) => ledger.spend(query),
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
      await router.close();
      await ledger.close();
      await simulator?.close();
      resolveClosed();
    })());
  transport.onclose = () => void close();
  await server.connect(transport);
  return { closed, close };
}
