import { ConfigError, loadConfigFile } from '../config';
import { startSimulator } from '../simulator';
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
  const simulator = await startSimulator({
    host: args.host ?? settings?.host ?? '127.0.0.1',
    port: args.port ?? settings?.port ?? 4010,
    defaults: settings?.defaults,
    models: settings?.models,
  });
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
