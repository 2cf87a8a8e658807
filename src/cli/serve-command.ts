import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startJunction } from '../app';
import { ConfigError, loadConfigFile } from '../config';
import type { CliIo } from './main';

/** The bundled demo config, found relative to this file so it works from any directory. */
export const DEMO_CONFIG = fileURLToPath(new URL('../../examples/demo/junction.yaml', import.meta.url));

export interface ServeArgs {
  file?: string;
  demo: boolean;
  port?: number;
}

export async function serveCommand(args: ServeArgs, io: CliIo): Promise<number> {
  const file = args.demo ? DEMO_CONFIG : (args.file ?? 'junction.yaml');
  if (!existsSync(file)) {
    io.err(`junction serve: config file not found: ${file} (try 'junction serve --demo')`);
    return 2;
  }
  let config;
  try {
    config = loadConfigFile(file);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
  const junction = await startJunction(config, { port: args.port });
  const routes = [...config.catalog.routes.values()];
  const example = routes.find((route) => !route.deployments.some((id) => config.catalog.deployments.get(id)?.capabilities.includes('embeddings'))) ?? routes[0];
  io.out(`Junction listening on ${junction.url}`);
  if (junction.simulator) io.out(`Simulated upstreams on ${junction.simulator.url}`);
  io.out(`Config: ${file}`);
  io.out('Routes:');
  for (const route of routes) io.out(`  ${route.name.padEnd(28)} → ${route.deployments.join(', ')}`);
  io.out('Try:');
  io.out(
    `  curl ${junction.url}/v1/chat/completions -H 'content-type: application/json' -d '{"model":"${example.name}","messages":[{"role":"user","content":"Hello"}]}'`,
  );

  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        io.err(`junction: ${signal} again, exiting now`);
        process.exit(1);
      }
      stopping = true;
      io.out(`junction: ${signal} received, finishing in-flight requests`);
      junction.close().then(
        () => resolve(0),
        (error) => {
          io.err(`junction: shutdown failed: ${(error as Error).message}`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
