/**
 * The live dashboard's data: what `GET /dashboard/data` answers and the page draws. It hears
 * finished requests and breaker changes on the gateway's events (CONVENTIONS rule 6), keeps a
 * bounded recent history of them (request-series.ts), and on each read adds what the rest of the
 * operations layer already knows: live health and breakers, routes, budgets, spend, the cache
 * and active alerts. A source that is absent or fails shows as such; it never fails the read.
 */
import type { GatewayEvents } from '../../gateway/events';
import type { Operations, DeploymentStatus, RouteSummary } from '../index';
import type { SpendRow, SpendSource } from '../admin/types';
import { createRequestSeries, type RequestSeriesOptions, type SeriesSnapshot } from './request-series';
import type { BudgetStanding } from './budgets';

export { budgetsFromAdmin, type BudgetStanding } from './budgets';
export type { DecisionView, SeriesSnapshot } from './request-series';

/** One active alert, as the SLA monitor reports it. */
export interface DashboardAlert {
  id: string;
  severity: 'warning' | 'critical';
  /** What it is about: a deployment, a route, a budget. */
  target: string;
  metric: string;
  value: number;
  threshold: number;
  /** When the condition began (Unix ms). */
  since: number;
  /** The mitigation in force for it, if any (e.g. a drained deployment). */
  mitigation?: string;
}

export type AlertsProvider = () => DashboardAlert[];

/** The response cache's standing; `enabled: false` while none is configured. */
export interface CacheView {
  enabled: boolean;
  hits: number;
  misses: number;
  hitRate: number;
  savedUsd?: number;
  note?: string;
}

export interface BreakerChangeView {
  deployment: string;
  from: string;
  to: string;
  at: number;
}

export interface DashboardData extends SeriesSnapshot {
  deploymentStatus: DeploymentStatus[];
  routeList: RouteSummary[];
  breakerChanges: BreakerChangeView[];
  /** Key and team budgets with what is spent; an empty list means none are configured. */
  budgets: { available: boolean; items: BudgetStanding[]; note?: string };
  /** Ledger spend per route, all recorded time. */
  spend: { available: boolean; byRoute: Array<{ route: string; requests: number; errors: number; costUsd: number }>; note?: string };
  cache: CacheView | { enabled: false; note: string };
  alerts: { available: boolean; items: DashboardAlert[] };
}

export interface DashboardOptions extends Pick<RequestSeriesOptions, 'bucketMs' | 'windowMs' | 'maxDecisions'> {
  operations: Pick<Operations, 'status' | 'routes'>;
  events: GatewayEvents;
  now: () => number;
  spend?: SpendSource;
  budgets?: () => Promise<BudgetStanding[]>;
  cache?: () => Promise<CacheView>;
  alerts?: AlertsProvider;
}

export interface Dashboard {
  data(): Promise<DashboardData>;
  /** Plug in (or replace) the active-alerts source, e.g. the SLA monitor once it runs. */
  useAlerts(provider: AlertsProvider | undefined): void;
  /** Stop listening to the gateway's events. */
  close(): void;
}

const MAX_BREAKER_CHANGES = 25;

export function createDashboard(options: DashboardOptions): Dashboard {
  const series = createRequestSeries({ now: options.now, ...pick(options) });
  const breakerChanges: BreakerChangeView[] = [];
  let alerts = options.alerts;
  const unsubscribe = options.events.subscribe(function dashboardObserver(event) {
    if (event.type === 'request-end') series.record(event.entry);
    else if (event.type === 'breaker-change') {
      breakerChanges.unshift({ deployment: event.deployment, from: event.from, to: event.to, at: event.at });
      if (breakerChanges.length > MAX_BREAKER_CHANGES) breakerChanges.length = MAX_BREAKER_CHANGES;
    }
  });

  return {
    async data() {
      const [budgets, spend, cache] = await Promise.all([readBudgets(options.budgets), readSpend(options.spend), readCache(options.cache)]);
      return {
        ...series.snapshot(),
        deploymentStatus: options.operations.status(),
        routeList: options.operations.routes(),
        breakerChanges: breakerChanges.map((change) => ({ ...change })),
        budgets,
        spend,
        cache,
        alerts: readAlerts(alerts),
      };
    },
    useAlerts(provider) {
      alerts = provider;
    },
    close: unsubscribe,
  };
}

function pick(options: DashboardOptions): Omit<RequestSeriesOptions, 'now'> {
  return {
    ...(options.bucketMs === undefined ? {} : { bucketMs: options.bucketMs }),
    ...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
    ...(options.maxDecisions === undefined ? {} : { maxDecisions: options.maxDecisions }),
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function readBudgets(source: DashboardOptions['budgets']): Promise<DashboardData['budgets']> {
  if (source === undefined) return { available: false, items: [], note: 'this gateway keeps no limit store' };
  try {
    const items = await source();
    return items.length === 0 ? { available: true, items, note: 'no budgets configured' } : { available: true, items };
  } catch (error) {
    return { available: false, items: [], note: `budgets unavailable: ${messageOf(error)}` };
  }
}

async function readSpend(source: SpendSource | undefined): Promise<DashboardData['spend']> {
  if (source === undefined) return { available: false, byRoute: [], note: 'this gateway keeps no ledger' };
  try {
    const rows: SpendRow[] = await source({ groupBy: ['route'], limit: 12 });
    return { available: true, byRoute: rows.map((row) => ({ route: row.route ?? '?', requests: row.requests, errors: row.errors, costUsd: row.costUsd })) };
  } catch (error) {
    return { available: false, byRoute: [], note: `spend unavailable: ${messageOf(error)}` };
  }
}

async function readCache(source: DashboardOptions['cache']): Promise<DashboardData['cache']> {
  if (source === undefined) return { enabled: false, note: 'no response cache is configured' };
  try {
    return await source();
  } catch (error) {
    return { enabled: false, note: `cache stats unavailable: ${messageOf(error)}` };
  }
}

function readAlerts(provider: AlertsProvider | undefined): DashboardData['alerts'] {
  if (provider === undefined) return { available: false, items: [] };
  try {
    return { available: true, items: provider() };
  } catch {
    return { available: false, items: [] };
  }
}
