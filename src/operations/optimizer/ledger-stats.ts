/**
 * Volume and spend from the ledger, for GET /stats and /complete's
 * `total_cost_today`. Read from the ledger's daily totals (spend reports), so a day or the
 * whole ledger costs one row per day and group, not one per request. Days are calendar days in
 * the configured time zone (`limits.timeZone`), the zone the ledger's daily totals use.
 */
import { calendarWindow } from '../../access/calendar';
import { calendarDayIn } from '../../ledger/calendar-day';
import type { SpendQuery, SpendReport, SpendRow } from '../../ledger/reports';
import { spendFromEntries } from '../../ledger/spend-from-entries';
import type { Ledger } from '../../ledger/types';

export type SpendSource = (query: SpendQuery) => Promise<SpendRow[]>;

/** The ledger's own spend reports, or (for a ledger without them) the same figures worked out from its entries. */
export function spendSource(ledger: Ledger, timeZone: string): SpendSource {
  const report = (ledger as Partial<SpendReport>).spend;
  if (typeof report === 'function') return (query) => report.call(ledger, query);
  const dayOf = calendarDayIn(timeZone);
  return async (query) => spendFromEntries(await ledger.query(), query, dayOf);
}

/** Today's calendar day, `YYYY-MM-DD` in `timeZone`. */
export function todayIn(now: number, timeZone: string): string {
  return calendarWindow('day', now, timeZone).label;
}

export interface TotalsView {
  requests: number;
  /** Requests answered with a status of 400 or more. */
  errors: number;
  tokens_in: number;
  tokens_out: number;
  cost: number;
}

export interface PeriodStats extends TotalsView {
  by_route: Array<TotalsView & { route: string }>;
  /** By the deployment that answered; `null` for requests nothing answered. */
  by_deployment: Array<TotalsView & { deployment: string | null }>;
}

export interface StatsView {
  time_zone: string;
  today: PeriodStats & { day: string };
  overall: PeriodStats;
}

/** USD spent today (all requests, every route). */
export async function costToday(spend: SpendSource, now: number, timeZone: string): Promise<number> {
  const [row] = await spend({ groupBy: [], since: todayIn(now, timeZone) });
  return row?.costUsd ?? 0;
}

export async function ledgerStats(spend: SpendSource, now: number, timeZone: string): Promise<StatsView> {
  const day = todayIn(now, timeZone);
  const [today, overall] = await Promise.all([periodStats(spend, day), periodStats(spend, undefined)]);
  return { time_zone: timeZone, today: { day, ...today }, overall };
}

async function periodStats(spend: SpendSource, since: string | undefined): Promise<PeriodStats> {
  const range = since === undefined ? {} : { since };
  const [total, routes, deployments] = await Promise.all([
    spend({ groupBy: [], ...range }),
    spend({ groupBy: ['route'], ...range }),
    spend({ groupBy: ['deployment'], ...range }),
  ]);
  return {
    ...totalsView(total[0]),
    by_route: routes.map((row) => ({ route: row.route!, ...totalsView(row) })),
    by_deployment: deployments.map((row) => ({ deployment: row.deployment ?? null, ...totalsView(row) })),
  };
}

export function totalsView(row: SpendRow | undefined): TotalsView {
  return {
    requests: row?.requests ?? 0,
    errors: row?.errors ?? 0,
    tokens_in: row?.inputTokens ?? 0,
    tokens_out: row?.outputTokens ?? 0,
    cost: row?.costUsd ?? 0,
  };
}
