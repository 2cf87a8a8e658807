import type { Deployment } from '../model';
import { DEFAULT_OUTPUT_TOKENS, describeOrder, noCandidates, qualityOf, sortedBy } from './ordering';
import type { Candidate, Strategy, StrategyRequest } from './types';

const TOKENS_PER_PRICE_UNIT = 1_000_000;

/** Expected USD cost of the request on a deployment: estimated input plus expected output tokens. */
export function expectedCost(deployment: Deployment, request: StrategyRequest): number {
  const outputTokens = request.maxOutputTokens ?? DEFAULT_OUTPUT_TOKENS;
  const { inputPerMillion, outputPerMillion } = deployment.pricing;
  return (request.estimatedInputTokens * inputPerMillion + outputTokens * outputPerMillion) / TOKENS_PER_PRICE_UNIT;
}

/**
 * Cheapest expected cost first; equal costs go to the higher quality. Deployments below the
 * route's quality floor are not dropped but moved behind every one that meets it, so they
 * still serve when nothing better is left. Unscored deployments count as quality 0.5.
 */
export const costStrategy: Strategy = function cost(candidates, context) {
  if (candidates.length === 0) return noCandidates();
  const floor = context.options.qualityFloor ?? 0;
  const costs = new Map(candidates.map((candidate) => [candidate, expectedCost(candidate.deployment, context.request)]));
  const meetsFloor = (candidate: Candidate) => qualityOf(candidate.deployment) >= floor;
  const cheapestFirst = (a: Candidate, b: Candidate) => costs.get(a)! - costs.get(b)! || qualityOf(b.deployment) - qualityOf(a.deployment);
  const eligible = sortedBy(candidates.filter(meetsFloor), cheapestFirst);
  const below = sortedBy(candidates.filter((candidate) => !meetsFloor(candidate)), cheapestFirst);
  const ordered = [...eligible, ...below];

  const notes = Object.fromEntries(
    candidates.map((candidate) => {
      const quality = `quality ${qualityOf(candidate.deployment)}`;
      const belowText = meetsFloor(candidate) ? '' : `, below the floor ${floor} (tried last)`;
      return [candidate.deployment.id, `expected $${formatUsd(costs.get(candidate)!)}, ${quality}${belowText}`];
    }),
  );
  const head =
    eligible.length > 0
      ? `cheapest${floor > 0 ? ` meeting quality ${floor}` : ''}: ${eligible[0].deployment.id} at ~$${formatUsd(costs.get(eligible[0])!)}`
      : `nothing meets quality ${floor}, cheapest first regardless`;
  return { ordered, reason: `cost: ${head}; order ${describeOrder(ordered)}`, notes };
};

/** Enough significant digits for sub-cent request costs. */
function formatUsd(value: number): string {
  return value.toPrecision(3);
}
