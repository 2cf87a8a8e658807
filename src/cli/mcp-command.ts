import { ConfigError, loadConfigFile } from '../config';
import { startInProcessGateway } from '../app';
import { serveMcpOverStdio } from '../mcp/stdio';
import type { CliIo } from './main';
import { DEMO_CONFIG } from './serve-command';

/** `junction mcp`: the MCP tools over stdin/stdout, with the gateway in this process. Messages go to stderr; stdout is the protocol's. */
export async function mcpCommand(args: { file?: string; demo: boolean }, io: CliIo): Promise<number> {
  const file = args.demo ? DEMO_CONFIG : (args.file ?? 'junction.yaml');
  let config;
  try {
    config = loadConfigFile(file);
  } catch (error) {
    io.err(error instanceof ConfigError ? error.message : `junction mcp: cannot read ${file}: ${(error as Error).message}`);
    return error instanceof ConfigError ? 1 : 2;
  }
  const mcp = await serveMcpOverStdio(await startInProcessGateway(config));
  io.err(`junction mcp: serving ${file} over stdio`);
  const stop = () => void mcp.close();
  process.stdin.once('end', stop);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await mcp.closed;
  return 0;
}
