import { ConfigError, loadConfigFile } from '../config';
import { asListenError } from '../http/listen-error';
import { startSimulator, type Simulator } from '../simulator';
import { describeListenFailure } from './listen-failure';
import type { CliIo } from './main';

export async function simulateCommand(args: { file?: string; port?: number; host?: string }, io: CliIo): Promise<number> {
  let settings;
  if (args.file) {
    try {
      settings = loadConfigFile(args.file).simulator;
    } catch (error) {
      if (error instanceof ConfigError) {
        io.err(error.message);
        return 1;
      }
      io.err(`junction simulate: cannot read ${args.file}: ${(error as Error).message}`);
      return 2;
    }
  }
  const host = args.host ?? settings?.host ?? '127.0.0.1';
  const port = args.port ?? settings?.port ?? 4010;
  let simulator: Simulator;
  try {
    simulator = await startSimulator({ host, port, defaults: settings?.defaults, models: settings?.models });
  } catch (error) {
    const failure = asListenError(error, 'simulator', host, port);
    if (failure === undefined) throw error;
    const where = args.file ? ` or simulator.port in ${args.file}` : '';
    io.err(describeListenFailure('simulate', failure, { port: `--port${where}`, host: `--host${args.file ? ` or simulator.host in ${args.file}` : ''}` }));
    return 2;
  }
  io.out(`Simulated upstreams on ${simulator.url}`);
  io.out(`  OpenAI     ${simulator.url}/v1/chat/completions, /v1/embeddings`);
  io.out(`  Anthropic  ${simulator.url}/v1/messages`);
  io.out(`  Gemini     ${simulator.url}/v1beta/models/{model}:generateContent`);
  io.out(`  Control    ${simulator.url}/_control/models`);
  return new Promise((resolve) => {
    const stop = () => simulator.close().then(() => resolve(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
