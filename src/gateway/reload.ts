/**
 * What a reload would change: the catalog (providers, deployments, routes), which is swapped
 * at once, and the sections that only take effect on a restart (listening address, ledger,
 * shared state, keys and limits, the simulator, health checks), which are reported and left
 * as they are. Pure: two configs in, a description out.
 */
import { sourceOf, withSource } from '../config/config-source';
import type { JunctionConfig } from '../config/types';

export interface Changes {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface ReloadPlan {
  providers: Changes;
  deployments: Changes;
  routes: Changes;
  /** Whether the catalog differs at all. */
  catalogChanged: boolean;
  /** The logging level to switch to, when it changed. */
  logLevel?: string;
  /** Sections that differ but need a restart to apply. */
  restartNeeded: string[];
}

const RESTART_SECTIONS = ['server', 'ledger', 'state', 'auth', 'limits', 'simulator', 'healthChecks', 'optimizer', 'sla', 'sources', 'tracing'] as const;

export function planReload(current: JunctionConfig, next: JunctionConfig): ReloadPlan {
  const providers = compare(current.catalog.providers, next.catalog.providers);
  const deployments = compare(current.catalog.deployments, next.catalog.deployments);
  const routes = compare(current.catalog.routes, next.catalog.routes);
  const catalogChanged = [providers, deployments, routes].some((changes) => changes.added.length + changes.removed.length + changes.changed.length > 0);
  const restartNeeded = RESTART_SECTIONS.filter((section) => JSON.stringify(current[section]) !== JSON.stringify(next[section]));
  return {
    providers,
    deployments,
    routes,
    catalogChanged,
    ...(current.logging.level === next.logging.level ? {} : { logLevel: next.logging.level }),
    restartNeeded: [...restartNeeded],
  };
}

function compare<T>(before: ReadonlyMap<string, T>, after: ReadonlyMap<string, T>): Changes {
  const changes: Changes = { added: [], removed: [], changed: [] };
  for (const [id, value] of after) {
    const old = before.get(id);
    if (old === undefined) changes.added.push(id);
    else if (JSON.stringify(old) !== JSON.stringify(value)) changes.changed.push(id);
  }
  for (const id of before.keys()) if (!after.has(id)) changes.removed.push(id);
  return changes;
}

/** One line for the log: what changed, and what waits for a restart. */
export function describeReload(plan: ReloadPlan): string {
  const part = (name: string, changes: Changes) => {
    const pieces = [
      changes.added.length ? `+${changes.added.join(',')}` : '',
      changes.removed.length ? `-${changes.removed.join(',')}` : '',
      changes.changed.length ? `~${changes.changed.join(',')}` : '',
    ].filter(Boolean);
    return pieces.length ? `${name} ${pieces.join(' ')}` : '';
  };
  const parts = [part('providers', plan.providers), part('deployments', plan.deployments), part('routes', plan.routes)].filter(Boolean);
  const changed = parts.length ? parts.join('; ') : 'no routing changes';
  const waiting = plan.restartNeeded.length ? `; needs a restart to apply: ${plan.restartNeeded.join(', ')}` : '';
  return `${changed}${plan.logLevel ? `; log level ${plan.logLevel}` : ''}${waiting}`;
}

export type ReloadOutcome = ({ applied: true } & ReloadPlan) | { applied: false; error: string };

export interface ConfigReloaderOptions {
  initial: JunctionConfig;
  /** Reads the config file again (validated); throws a ConfigError naming every mistake. */
  load: (file: string) => JunctionConfig;
  /** Swaps in the new catalog (and whatever follows it: breaker policies). */
  apply: (next: JunctionConfig, plan: ReloadPlan) => void;
  /** Writes one audit entry (who reloaded, what changed). */
  audit?: (actor: string, action: string, target: string, details: Record<string, unknown>) => Promise<void>;
  log: { info(details: object, message: string): void; error(details: object, message: string): void };
}

export interface ConfigReloader {
  readonly active: JunctionConfig;
  /** `action` names it in the audit log (default `config.reload`). */
  reload(next?: JunctionConfig, actor?: string, action?: string): Promise<ReloadOutcome>;
}

/**
 * Reloads one at a time (a SIGHUP during a reload waits for it). A config that fails to load or
 * validate changes nothing; the log and the outcome say exactly why. Sections that need a
 * restart keep their running values, so the next reload still reports them.
 */
export function createConfigReloader(options: ConfigReloaderOptions): ConfigReloader {
  let active = options.initial;
  let queue: Promise<unknown> = Promise.resolve();

  async function reloadNow(next: JunctionConfig | undefined, actor: string, action: string): Promise<ReloadOutcome> {
    let candidate: JunctionConfig;
    try {
      if (next === undefined && active.file === undefined) throw new Error('this gateway was not started from a config file, so there is nothing to reload from');
      candidate = next ?? options.load(active.file!);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.log.error({ actor }, `config reload refused; the running config stays: ${message}`);
      return { applied: false, error: message };
    }
    const plan = planReload(active, candidate);
    options.apply(candidate, plan);
    active = { ...candidate, server: active.server, ledger: active.ledger, state: active.state, auth: active.auth, limits: active.limits, healthChecks: active.healthChecks, optimizer: active.optimizer, sla: active.sla, sources: active.sources, tracing: active.tracing, ...(active.simulator ? { simulator: active.simulator } : {}) };
    if (active.file === undefined && options.initial.file !== undefined) active.file = options.initial.file;
    const source = sourceOf(candidate);
    if (source) withSource(active, source.data, source.baseDir);
    options.log.info({ actor }, `config reloaded: ${describeReload(plan)}`);
    await options.audit?.(actor, action, active.file ?? 'config', { providers: plan.providers, deployments: plan.deployments, routes: plan.routes, restartNeeded: plan.restartNeeded });
    return { applied: true, ...plan };
  }

  return {
    get active() {
      return active;
    },
    reload(next, actor = 'operator', action = 'config.reload') {
      const result = queue.then(() => reloadNow(next, actor, action));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
