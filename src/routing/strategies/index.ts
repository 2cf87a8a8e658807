/**
 * Every routing strategy by name. Each is a pure function (see ./types): it orders the
 * candidates the planner passes in, never adds or drops one, and takes its randomness and
 * clock from the context.
 */
import { JunctionError } from '../../errors';
import { abStrategy } from './ab';
import { adaptiveStrategy } from './adaptive';
import { autoStrategy } from './auto';
import { capabilityStrategy } from './capability';
import { costStrategy } from './cost';
import { geographicStrategy } from './geographic';
import { leastBusyStrategy } from './least-busy';
import { leastLatencyStrategy } from './least-latency';
import { p2cStrategy } from './p2c';
import { priorityStrategy } from './priority';
import { randomStrategy } from './random';
import { roundRobinStrategy } from './round-robin';
import { stickyStrategy } from './sticky';
import type { Strategy, StrategyName } from './types';
import { STRATEGY_NAMES } from './types';
import { usageAwareStrategy } from './usage-aware';
import { weightedStrategy } from './weighted';

export const strategies: Record<StrategyName, Strategy> = {
  priority: priorityStrategy,
  weighted: weightedStrategy,
  'round-robin': roundRobinStrategy,
  'least-busy': leastBusyStrategy,
  'least-latency': leastLatencyStrategy,
  p2c: p2cStrategy,
  cost: costStrategy,
  capability: capabilityStrategy,
  'usage-aware': usageAwareStrategy,
  random: randomStrategy,
  ab: abStrategy,
  geographic: geographicStrategy,
  sticky: stickyStrategy,
  auto: autoStrategy,
  adaptive: adaptiveStrategy,
};

export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

/**
 * The strategy called `name`. Names from the config are validated already; a name from a
 * request header may not be, so an unknown one is the caller's mistake.
 */
export function getStrategy(name: string): Strategy {
  if (!isStrategyName(name)) {
    throw new JunctionError('invalid_request', `Unknown routing strategy "${name}"; expected one of ${STRATEGY_NAMES.join(', ')}.`, { param: 'strategy' });
  }
  return strategies[name];
}

export type { AdaptiveKnowledge, AutoKnowledge, AutoOptions, Candidate, RouteStrategyState, Strategy, StrategyContext, StrategyDecision, StrategyName, StrategyOptions, StrategyRequest } from './types';
export { newRouteStrategyState, STRATEGY_NAMES } from './types';
