/**
 * `junction check <file> [...]`: validate configs and summarise what each sets up, or list every
 * problem. Exit codes: 0 valid, 1 invalid, 2 a file cannot be read.
 *
 * Secrets are never printed: for API keys only whether one is set, and base URLs are shown
 * without credentials or query strings.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, parseConfig } from '../config';
import type { Env, JunctionConfig } from '../config';
import { describeReadError } from '../config/parse-config';

export interface CheckIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * Checks every file, not just the first, and exits with the worst outcome: 2 if one cannot be
 * read, else 1 if one is invalid, else 0. Files are separated by a blank line.
 */
export async function checkFiles(files: readonly string[], io: CheckIo, env: Env = process.env): Promise<number> {
  let worst = 0;
  for (const [index, file] of files.entries()) {
    if (index > 0) io.out('');
    worst = Math.max(worst, await checkCommand(file, io, env));
  }
  return worst;
}

/** Checks one file; see `checkFiles` for the exit codes. */
export async function checkCommand(file: string, io: CheckIo, env: Env = process.env): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    io.err(`${file}: cannot read the config file (${describeReadError(error)})`);
    return 2;
  }
  let config: JunctionConfig;
  try {
    config = parseConfig(text, { file, env, baseDir: dirname(resolve(file)) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const line of error.message.split('\n')) io.err(line);
    io.err(`${file}: ${error.issues.length} ${error.issues.length === 1 ? 'problem' : 'problems'} found`);
    return 1;
  }
  for (const line of summarizeConfig(file, config)) io.out(line);
  return 0;
}

function describeLedger(ledger: JunctionConfig['ledger']): string {
  if (ledger.kind === 'postgres') return `ledger: postgres at ${safeUrl(ledger.url)}, schema ${ledger.schema ?? 'public'}, spool ${ledger.spoolPath}`;
  return ledger.kind === 'none' ? 'ledger: none' : `ledger: sqlite at ${ledger.path}`;
}

/** The lines `junction check` prints for a valid config. */
export function summarizeConfig(file: string, config: JunctionConfig): string[] {
  const { providers, deployments, routes } = config.catalog;
  const lines = [
    `${file}: OK (${count(providers.size, 'provider')}, ${count(deployments.size, 'deployment')}, ${count(routes.size, 'route')})`,
    `server: http://${config.server.host}:${config.server.port}`,
    describeLedger(config.ledger),
    config.state.kind === 'memory' ? 'state: memory (this process)' : `state: redis at ${safeUrl(config.state.url)}, prefix ${config.state.prefix}`,
  ];
  if (config.simulator) {
    const { host, port, models } = config.simulator;
    lines.push(`simulator: http://${host}:${port} (${count(Object.keys(models).length, 'model')} with set behaviour)`);
  }
  lines.push('providers:');
  for (const provider of providers.values()) {
    const kind = provider.preset ? `${provider.kind}/${provider.preset}` : provider.kind;
    lines.push(`  ${provider.id}: ${kind} at ${safeUrl(provider.baseUrl)}, key: ${provider.apiKey ? 'set' : 'not set'}`);
  }
  lines.push('routes:');
  for (const route of routes.values()) {
    const targets = route.deployments.map((id) => {
      const deployment = deployments.get(id);
      return deployment ? `${id} (${deployment.provider}/${deployment.model})` : id;
    });
    lines.push(`  ${route.name} → ${targets.join(', ')}`);
  }
  return lines;
}

function count(size: number, noun: string): string {
  return `${size} ${noun}${size === 1 ? '' : 's'}`;
}

/** A base URL with any user:password and query (some gateways take keys there) removed. */
function safeUrl(text: string): string {
  const url = new URL(text);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/$/, '');
}
