import type { StrategyName } from '../model';
import type { Strategy } from '../plan';
import { priorityStrategy } from './priority';

export const strategies: Record<StrategyName, Strategy> = {
  priority: priorityStrategy,
};
