/**
 * A key's or a team's standing right now against its own limits and budgets, read from the
 * limit store: the admin API's `/admin/usage` and `junction usage`. The counters are the ones
 * admission draws on (the same draw policy names them), so the report shows exactly what the
 * next request will be judged against.
 */
import type { LimitSettings } from '../config/types';
import type { UsageReport, UsageSource } from '../operations/admin/types';
import { Calendar } from './calendar';
import type { LimitStore } from './limits/types';
import { DrawPolicy } from './policy';
import type { KeyRecord, TeamRecord } from './types';

export interface UsageSourceOptions {
  limits: LimitSettings;
  store: LimitStore;
  /** The records as the admin surface sees them (config-declared and stored). */
  findKey(id: string): Promise<KeyRecord | undefined>;
  findTeam(id: string): Promise<TeamRecord | undefined>;
  now: () => number;
}

export function createUsageSource(options: UsageSourceOptions): UsageSource {
  const policy = new DrawPolicy(options.limits, new Calendar(options.limits.timeZone));
  return async function usage(target) {
    const at = options.now();
    const key = target.key === undefined ? undefined : await options.findKey(target.key);
    const team = target.team === undefined ? undefined : await options.findTeam(target.team);
    const owner = key ? { key } : team ? { team } : undefined;
    const report: UsageReport = { limits: [], budgets: [] };
    if (owner === undefined) return report;
    const plan = policy.counters(owner, at);
    const rules = plan.draws.map((draw) => draw.rule);
    const counts = await options.store.usage(rules, at);
    rules.forEach((rule, index) => {
      const label = plan.labels[index]!;
      const { used, reserved } = counts[index]!;
      if (label.limit === 'budget' && rule.kind === 'quota') {
        report.budgets.push({
          period: label.period!,
          usd: rule.limit / 1e9,
          spentUsd: used / 1e9,
          reservedUsd: reserved / 1e9,
          ...(Number.isFinite(rule.windowEnd) ? { windowEnd: rule.windowEnd } : {}),
        });
        return;
      }
      const limit = rule.kind === 'rate' ? rule.perMinute : rule.limit;
      const entry: UsageReport['limits'][number] = { name: label.limit, limit, used, reserved };
      if (rule.kind === 'quota' && Number.isFinite(rule.windowEnd)) entry.resetMs = Math.max(0, rule.windowEnd - at);
      report.limits.push(entry);
    });
    return report;
  };
}
