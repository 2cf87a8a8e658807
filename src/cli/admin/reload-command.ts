/** `junction reload`: the running gateway reloads its config file, as on SIGHUP. */
import { parseCommandArgs, positionalArgs } from './admin-args';
import { clientFor, printJson, type AdminCliContext } from './admin-context';

export const RELOAD_HELP = `Usage: junction reload [--json]

Asks the running gateway (--url) to reload its config file, as SIGHUP does: validated first,
then routing (providers, deployments, routes) swaps at once; an invalid file changes nothing
and the error says exactly why. Prints what changed and what waits for a restart.
`;

interface Changes {
  added: string[];
  removed: string[];
  changed: string[];
}

interface WireReload {
  applied: boolean;
  providers: Changes;
  deployments: Changes;
  routes: Changes;
  restartNeeded: string[];
}

export async function reloadCommand(args: string[], context: AdminCliContext): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, {});
  positionalArgs(positionals, [], 'reload');
  const outcome = await clientFor(context, values).call<WireReload>('POST', '/admin/reload');
  if (values.json) return printJson(context, outcome);
  context.io.out('Config reloaded.');
  for (const name of ['providers', 'deployments', 'routes'] as const) {
    const { added, removed, changed } = outcome[name];
    const parts = [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : '', changed.length ? `changed ${changed.join(', ')}` : ''].filter(Boolean);
    context.io.out(`  ${name}: ${parts.length ? parts.join('; ') : 'unchanged'}`);
  }
  if (outcome.restartNeeded.length) context.io.out(`  needs a restart to apply: ${outcome.restartNeeded.join(', ')}`);
}
