/**
 * `junction serve | check | simulate`, and the admin commands `keys | teams | spend | usage |
 * audit`, which talk to a running gateway's admin API. Each command returns its exit code:
 * 0 success, 1 a problem with the input (bad config) or a gateway that cannot be reached or
 * refused, 2 a usage error or an unreadable file.
 */
import { parseArgs } from 'node:util';
import { ADMIN_COMMANDS, runAdminCommand } from './admin/admin-commands';
import { checkFiles } from './check-command';
import { mcpCommand } from './mcp-command';
import { serveCommand } from './serve-command';
import { simulateCommand } from './simulate-command';

const USAGE = `Usage: junction <command> [options]

Commands:
  serve      Run the gateway            junction serve -c junction.yaml [--host 127.0.0.1] [--port 4000] [--workers N] [--watch]
             Run the bundled demo       junction serve --demo
  check      Validate config files      junction check junction.yaml [more.yaml ...]
  simulate   Run simulated upstreams    junction simulate [-c junction.yaml] [--port 4010]
  mcp        MCP tools over stdio       junction mcp -c junction.yaml   (or --demo)

Admin (talk to a running gateway at --url, default $JUNCTION_URL or http://127.0.0.1:4000,
with the admin key from JUNCTION_ADMIN_KEY, or from the variable auth.adminKeyEnv names in
the config given with -c):
  keys       Virtual keys               junction keys create --name notebooks --team research
                                        junction keys list | show <id> | revoke <id> | rotate <id>
                                        junction keys generate   (a key for auth.keys; no gateway)
  teams      Teams                      junction teams create research --rpm 600 --budget-usd 100
  spend      Spend from the ledger      junction spend --by team,route --since 2026-01-01
  usage      Usage against limits       junction usage --key <id> | --team <id>
  audit      Admin actions              junction audit --since 7d
  reload     Reload the config          junction reload   (as SIGHUP does)

Options:
  -c, --config <file>   config file (default: ./junction.yaml)
  -h, --help            show help for a command
`;

const COMMAND_HELP: Record<string, string> = {
  serve: `Usage: junction serve [-c junction.yaml] [--host H] [--port N] [--workers N] [--demo]

Runs the gateway with the given config. --host and --port override server.host and server.port
(--host 0.0.0.0 listens on every IPv4 interface). With --demo, runs the bundled demo config,
whose upstreams are Junction's simulated providers started in the same process.
With --workers N (N > 1), runs N worker processes sharing the port (node:cluster). Each worker
keeps its own routing state (health, breakers) unless the config shares it (state: { kind: redis }),
and its own SQLite ledger file (junction.db → junction.worker-1.db, junction.worker-2.db, …).
Stops gracefully on SIGTERM or SIGINT: refuses new requests, finishes in-flight ones, flushes the ledger.
Reloads the config on SIGHUP (and, with --watch, whenever the file changes): validated first,
then routing (providers, deployments, routes) swaps at once; requests in flight finish on the
old config, health and breakers stay with deployments that still exist, and an invalid file
changes nothing (the log says why). Other sections are reported and wait for a restart.
`,
  check: `Usage: junction check [file ...]

Validates each config file (default ./junction.yaml). Prints a summary of each valid one and
every mistake as file:line:column: path: what was expected. Exits 0 when all are valid, 1 when
one is invalid, 2 when one cannot be read.
`,
  simulate: `Usage: junction simulate [-c junction.yaml] [--port N] [--host H]

Starts the simulated OpenAI-, Anthropic- and Gemini-compatible upstreams. With a config, uses
its simulator section (models and their behaviour). Change behaviour at run time through
PATCH /_control/models/{model}, e.g. {"down": true}.
`,
  mcp: `Usage: junction mcp [-c junction.yaml] [--demo]

Serves Junction's MCP tools (route_request, configure_routing, get_provider_status, list_routes,
get_spend) over stdin and stdout, with the gateway running in this process on the given config
(no HTTP port). For agents that start their tools as commands; a running gateway serves the same
tools over HTTP at /mcp. Stops when stdin closes.
`,
};

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const stdio: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

export async function main(argv: string[], io: CliIo = stdio, env: Record<string, string | undefined> = process.env): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (Object.hasOwn(ADMIN_COMMANDS, command)) return runAdminCommand(command, rest, { io, env, now: Date.now });
  if (!(command in COMMAND_HELP)) {
    io.err(`junction: unknown command '${command}'\n`);
    io.err(USAGE);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        demo: { type: 'boolean' },
        workers: { type: 'string', short: 'w' },
        watch: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.err(`junction ${command}: ${(error as Error).message}\n`);
    io.err(COMMAND_HELP[command]);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(COMMAND_HELP[command]);
    return 0;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    io.err(`junction ${command}: --port must be an integer from 0 to 65535, got '${values.port}'`);
    return 2;
  }
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && (command !== 'serve' || !Number.isInteger(workers) || workers < 1 || workers > 64)) {
    io.err(`junction ${command}: --workers is an integer from 1 to 64, for serve only; got '${values.workers}'`);
    return 2;
  }
  if (values.host !== undefined && values.host.trim() === '') {
    io.err(`junction ${command}: --host needs an address or a host name, e.g. 127.0.0.1 or 0.0.0.0`);
    return 2;
  }
  const files = values.config === undefined ? positionals : [values.config, ...positionals];
  if (command === 'check') return checkFiles(files.length > 0 ? files : ['junction.yaml'], io);
  if (files.length > 1) {
    io.err(`junction ${command}: one config file at a time, got ${files.length}: ${files.join(' ')}`);
    return 2;
  }
  const file = files[0];
  switch (command) {
    case 'mcp':
      return mcpCommand({ file, demo: values.demo ?? false }, io);
    case 'serve':
      return serveCommand({ file, demo: values.demo ?? false, port, host: values.host, workers, watch: values.watch ?? false }, io);
    default:
      return simulateCommand({ file, port, host: values.host }, io);
  }
}
