/**
 * Access control as a running gateway has it: the key store beside the ledger (its own SQLite
 * file, or the ledger's PostgreSQL database, or memory), the key ring that serves checks from
 * memory, the limit store (memory, or Redis when live state is shared so replicas share limits
 * too), the authenticate and admit stages over them, and budget alerts to the log, a metric and
 * a webhook. Node-only: app.ts calls it; the library's core entry does not.
 */
import type { Catalog } from '../routing/catalog';
import type { JunctionConfig } from '../config/types';
import type { JunctionError } from '../errors';
import type { Logger } from '../observability/logger';
import { createWebhookNotifier, type WebhookNotifier } from '../observability/webhook';
import { spacedReports } from '../state/redis/spaced-reports';
import { createAccessControl, type AccessControl } from './access-control';
import { keyRecordFromConfig } from './config-keys';
import { createKeyRing, type KeyRing } from './key-ring';
import { createMemoryLimitStore } from './limits';
import { createRedisLimitStore } from './limits/redis/redis-limit-store';
import type { Crossing, LimitStore } from './limits/types';
import { createMemoryAccessStore } from './store/memory-access-store';
import { createPostgresAccessStore } from './store/postgres/postgres-access-store';
import { createSqliteAccessStore } from './store/sqlite-access-store';
import type { AccessStore } from './store/types';
import type { KeyRecord, TeamRecord } from './types';

/** A budget threshold crossed, as the log, the metric and the webhook hear of it. */
export interface BudgetAlert {
  /** What was crossed, e.g. `team eng's monthly budget`. */
  label: string;
  /** The counter's key (`team:eng:usd:2026-12`): one alert per counter and threshold. */
  counter: string;
  threshold: number;
  usedUsd: number;
  limitUsd: number;
}

export interface Access {
  control: AccessControl;
  store: AccessStore;
  ring: KeyRing;
  limits: LimitStore;
  /** The keys and teams the config declares, as the key ring holds them. */
  declared(): { keys: readonly KeyRecord[]; teams: readonly TeamRecord[] };
  close(): Promise<void>;
}

export interface StartAccessOptions {
  logger: Logger;
  now: () => number;
  /** The environment, for the admin key. */
  env?: NodeJS.ProcessEnv;
  /** The key store's SQLite file, when the ledger is one (default: {@link accessStorePath} of the ledger's). */
  storePath?: string;
  /** Also told of every budget alert (the metric). */
  onBudgetAlert?: (alert: BudgetAlert) => void;
  /** Also told when the limit store could not answer and a request went on uncounted (the metric). */
  onLimitsUnavailable?: () => void;
  /** The catalog route costs are read from (default: the config's); a live one follows reloads. */
  catalog?: Catalog;
}

export function startAccess(config: JunctionConfig, options: StartAccessOptions): Access {
  const { logger, now } = options;
  const env = options.env ?? process.env;
  const store = accessStoreFor(config, options.storePath);
  const ring = createKeyRing({
    store,
    now,
    pollMs: config.auth.keyPollMs,
    onError: (error) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'key store unreachable; checking keys against what this process last saw'),
  });
  // The ring rejects `ready` when the first load fails; it keeps polling, so that is only worth a log line.
  ring.ready.catch(() => undefined);
  const loadedAt = now();
  const declared = {
    keys: config.auth.keys.map((key) => keyRecordFromConfig(key, loadedAt)),
    teams: config.auth.teams.map((team): TeamRecord => ({ ...team, createdAt: loadedAt, source: 'config', version: 0 })),
  };
  ring.seed(declared.keys, declared.teams);

  const webhook = config.limits.alerts.webhook;
  const notifier: WebhookNotifier | undefined = webhook
    ? createWebhookNotifier({
        url: webhook.url,
        headers: webhook.headers,
        now,
        onError: (failure) => logger.warn({ event: failure.event.id, reason: failure.reason }, 'budget alert webhook not delivered'),
      })
    : undefined;
  const alert = (crossing: Crossing, label: string) => {
    const limit = crossing.rule.kind === 'quota' ? crossing.rule.limit : 0;
    const budgetAlert: BudgetAlert = { label, counter: crossing.rule.key, threshold: crossing.threshold, usedUsd: crossing.used / 1e9, limitUsd: limit / 1e9 };
    logger.warn(budgetAlert, 'budget threshold crossed');
    options.onBudgetAlert?.(budgetAlert);
    notifier?.notify({ id: `${crossing.rule.key}@${crossing.threshold}`, type: 'budget.threshold', payload: { ...budgetAlert } });
  };

  const limits = limitStoreFor(config, logger, (crossings) => {
    for (const crossing of crossings) alert(crossing, crossing.rule.key);
  });
  const adminKey = env[config.auth.adminKeyEnv];
  const control = createAccessControl({
    mode: config.auth.mode,
    ring,
    ...(adminKey ? { adminKey } : {}),
    limits: config.limits,
    store: limits,
    catalog: options.catalog ?? config.catalog,
    now,
    onCrossing: alert,
    onStoreDown: admittedUncountedReporter(logger, now, options.onLimitsUnavailable),
  });

  return {
    control,
    store,
    ring,
    limits,
    declared: () => declared,
    async close() {
      ring.close();
      await notifier?.close();
      await limits.close();
      await store.close();
    },
  };
}

/** How often, at most, a request admitted uncounted is logged (ms); the metric counts every one. */
export const UNCOUNTED_LOG_INTERVAL_MS = 10_000;

/**
 * What happens when the limit store is down and a request goes on uncounted: the metric hears
 * of every one, the log of the first and then of one per {@link UNCOUNTED_LOG_INTERVAL_MS} with
 * the count of those in between. During an outage every request takes this path, and a line
 * each would flood the log at the request rate.
 */
export function admittedUncountedReporter(logger: Logger, now: () => number, onLimitsUnavailable?: () => void): (error: JunctionError) => void {
  const report = spacedReports((error) => logger.warn({ err: error.message }, 'limit store unreachable; request admitted uncounted'), now, UNCOUNTED_LOG_INTERVAL_MS);
  return function admittedUncounted(error: JunctionError): void {
    report('uncounted', error);
    onLimitsUnavailable?.();
  };
}

/** The key store lives where the ledger does; with no ledger (or an in-memory one), in memory. */
function accessStoreFor(config: JunctionConfig, storePath: string | undefined): AccessStore {
  const { ledger } = config;
  if (ledger.kind === 'postgres') return createPostgresAccessStore({ url: ledger.url, ...(ledger.schema ? { schema: ledger.schema } : {}) });
  if (ledger.kind === 'none' || ledger.path === ':memory:') return createMemoryAccessStore();
  return createSqliteAccessStore({ path: storePath ?? accessStorePath(ledger.path) });
}

/** `junction.db` → `junction.access.db`: its own file, beside the ledger's. */
export function accessStorePath(ledgerPath: string): string {
  const dot = ledgerPath.lastIndexOf('.');
  const slash = Math.max(ledgerPath.lastIndexOf('/'), ledgerPath.lastIndexOf('\\'));
  return dot > slash + 1 ? `${ledgerPath.slice(0, dot)}.access${ledgerPath.slice(dot)}` : `${ledgerPath}.access`;
}

/** Shared state in Redis means shared limits: replicas count against the same counters. */
function limitStoreFor(config: JunctionConfig, logger: Logger, onLateCrossings: (crossings: Crossing[]) => void): LimitStore {
  if (config.state.kind !== 'redis') return createMemoryLimitStore();
  return createRedisLimitStore({
    url: config.state.url,
    prefix: `${config.state.prefix}limits:`,
    timeoutMs: config.limits.storeTimeoutMs,
    onError: (error) => logger.warn({ err: error.message }, 'limit store (Redis) unreachable'),
    onLateCrossings,
  });
}
