import type { Deployment } from '../catalog';
import { candidatesAt, DEFAULT_OUTPUT_TOKENS, describeOrder, noCandidates, notesOf, qualityOf, sortRange } from './ordering';
import type { Strategy, StrategyRequest } from './types';

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
  const costs = new Array<number>(candidates.length);
  const qualities = new Array<number>(candidates.length);
  for (let index = 0; index < candidates.length; index += 1) {
    costs[index] = expectedCost(candidates[index].deployment, context.request);
    qualities[index] = qualityOf(candidates[index].deployment);
  }
  // Those meeting the floor, then those below it; each group cheapest first.
  const order = new Array<number>(candidates.length);
  let filled = 0;
  for (let index = 0; index < candidates.length; index += 1) if (qualities[index] >= floor) order[filled++] = index;
  const eligible = filled;
  for (let index = 0; index < candidates.length; index += 1) if (!(qualities[index] >= floor)) order[filled++] = index;
  const cheapestFirst = (a: number, b: number) => costs[a] - costs[b] || qualities[b] - qualities[a];
  sortRange(order, cheapestFirst, 0, eligible);
  sortRange(order, cheapestFirst, eligible);
  const ordered = candidatesAt(candidates, order);

  const head =
    eligible > 0
      ? `cheapest${floor > 0 ? ` meeting quality ${floor}` : ''}: ${ordered[0].deployment.id} at ~$${formatUsd(costs[order[0]])}`
      : `nothing meets quality ${floor}, cheapest first regardless`;
  return {
    ordered,
    reason: `cost: ${head}; order ${describeOrder(ordered)}`,
    notes: () =>
      notesOf(candidates, (index) => {
        const below = qualities[index] >= floor ? '' : `, below the floor ${floor} (tried last)`;
        return `expected $${formatUsd(costs[index])}, quality ${qualities[index]}${below}`;
      }),
  };
};

/** Enough significant digits for sub-cent request costs. */
function formatUsd(value: number): string {
  return value.toPrecision(3);
}
