import type { Pricing } from './catalog';
import type { Usage } from '../canonical/types';

/** Cost in USD of one upstream answer, from the deployment's per-1M-token prices. */
export function costOf(usage: Usage, pricing: Pricing): number {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const uncached = usage.inputTokens - cached;
  const cachedPrice = pricing.cachedInputPerMillion ?? pricing.inputPerMillion;
  return (uncached * pricing.inputPerMillion + cached * cachedPrice + usage.outputTokens * pricing.outputPerMillion) / 1_000_000;
}
