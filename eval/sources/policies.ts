/**
 * The policies the evaluation routes with. Time limits are in steps of the data's cadence
 * (an hour for PM2.5, a day for BTC), the same multiples for every series; the units-bound
 * numbers (scale floor, tolerance) are set from what the quantity is, not from results:
 * PM2.5 monitors report whole µg/m³ and agree to about 10%; exchanges agree to about 2%.
 */
import type { SourcePolicyInput } from '../../src/sources/policy';
import type { Series } from './load';

/** `override` is for experiments on the training series (e.g. another fusion method or threshold). */
export function policyFor(series: Series, override: SourcePolicyInput = {}): SourcePolicyInput {
  const step = series.stepMs;
  const pm = series.name.startsWith('PM2.5');
  return {
    ...override,
    maxStalenessMs: Math.round(1.5 * step),
    scaleFloor: pm ? 2 : 0,
    tolerance: pm ? { absolute: 5, relative: 0.1 } : { absolute: 0, relative: 0.02 },
    synthetic: { allowed: true, horizonMs: 6 * step },
    breaker: { cooldownMs: 3 * step, maxCooldownMs: 48 * step, ...override.breaker },
    trust: { halfLifeMs: 168 * step },
  };
}
