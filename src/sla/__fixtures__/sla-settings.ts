/** SLA settings for tests: the defaults, a one-minute window, no mitigations; any field overridden. Test-only. */
import { DEFAULT_THRESHOLDS, type SlaSettings } from '../types';

export function slaSettings(overrides: Partial<SlaSettings> = {}): SlaSettings {
  return {
    enabled: true,
    windowMs: 60_000,
    evaluateEveryMs: 10_000,
    minimumRequests: 10,
    thresholds: DEFAULT_THRESHOLDS,
    deployments: {},
    routes: {},
    mitigations: [],
    maxDrainedPerRoute: 1,
    ...overrides,
  };
}
