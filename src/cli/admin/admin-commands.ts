/**
 * The admin commands (`keys`, `teams`, `spend`, `usage`, `audit`) as the CLI's command table
 * runs them: each prints its answer, or one line saying what went wrong, and returns its exit
 * code (0 done, 1 the server cannot be reached or refused, 2 the command was used wrongly).
 */
import { RELOAD_HELP, reloadCommand } from './reload-command';
import { CliFailure } from './admin-client';
import type { AdminCliContext } from './admin-context';
import { keysCommand, KEYS_HELP } from './keys-command';
import { auditCommand, AUDIT_HELP, spendCommand, SPEND_HELP, usageCommand, USAGE_HELP } from './reports-command';
import { teamsCommand, TEAMS_HELP } from './teams-command';

export type { AdminCliContext } from './admin-context';

interface AdminCommand {
  help: string;
  run: (args: string[], context: AdminCliContext) => Promise<void>;
  /** Subcommand names, for error messages (`junction keys create: …`). */
  subcommands?: readonly string[];
}

export const ADMIN_COMMANDS: Record<string, AdminCommand> = {
  keys: { help: KEYS_HELP, run: keysCommand, subcommands: ['create', 'list', 'show', 'revoke', 'rotate', 'generate'] },
  teams: { help: TEAMS_HELP, run: teamsCommand, subcommands: ['create', 'list', 'show', 'update'] },
  spend: { help: SPEND_HELP, run: spendCommand },
  usage: { help: USAGE_HELP, run: usageCommand },
  audit: { help: AUDIT_HELP, run: auditCommand },
  reload: { help: RELOAD_HELP, run: reloadCommand },
};

export async function runAdminCommand(command: string, args: string[], context: AdminCliContext): Promise<number> {
  const { help, run, subcommands } = ADMIN_COMMANDS[command];
  if (args.length === 0 && subcommands !== undefined) {
    context.io.out(help);
    return 2;
  }
  if (args.includes('-h') || args.includes('--help') || args[0] === 'help') {
    context.io.out(help);
    return 0;
  }
  const name = subcommands?.includes(args[0]) ? `junction ${command} ${args[0]}` : `junction ${command}`;
  try {
    await run(args, context);
    return 0;
  } catch (error) {
    if (!(error instanceof CliFailure)) throw error;
    context.io.err(`${name}: ${error.message}`);
    if (error.exitCode === 2) context.io.err(`Run 'junction ${command} --help' for its options.`);
    return error.exitCode;
  }
}
