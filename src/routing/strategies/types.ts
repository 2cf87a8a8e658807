/**
 * The strategy contract. A strategy is a pure function: capable, admissible candidates plus
 * their health, the request's context, the route's mutable strategy state and injected
 * clock/random in; an order and a written reason out. It never adds or drops a candidate, and
 * returns the very candidate objects it was given.
 *
 * Every request runs a strategy, so the contract is also about cost: read each candidate's
 * health once, write the one-line reason (it goes into every ledger row), and leave the
 * per-deployment notes, which only the dry-run decision API shows, to be written on demand.
 */
import type { HealthSnapshot } from '../health';
import type { Deployment, Provider } from '../catalog';
import type { ArmStats } from '../auto/bandit';
import type { PredictorPrompt, QualityPredictor } from '../auto/predictor';
import type { AutoPrompt } from '../auto/prompt';
import type { AutoDecision, AutoMode } from '../auto/types';
import type { AdaptiveOptions } from '../adaptive/settings';
import type { ExpertOptions } from '../experts/skills';

export interface Candidate {
  deployment: Deployment;
  provider: Provider;
}

/** What a strategy may know about the request. */
export interface StrategyRequest {
  estimatedInputTokens: number;
  maxOutputTokens?: number;
  /** Stable caller identity (virtual key, principal or `user`), for A/B stickiness. */
  callerKey?: string;
  /** Caller-chosen affinity key (e.g. a conversation id), for the sticky strategy. */
  stickyKey?: string;
  /** The caller's region (header or config default), for the geographic strategy. */
  region?: string;
  /** The prompt, read lazily: only the auto strategy looks at it. */
  prompt?: AutoPrompt;
  /** auto: the request's own quality floor (header), when its route allows one. */
  qualityFloor?: number;
  /** auto: the most the request may cost in USD (header), when its route allows one. */
  maxCostUsd?: number;
  /** auto: the mode this request asks for (header or service API), when its route allows one. */
  autoMode?: AutoMode;
}

/** Per-route tuning read by some strategies; every field has a default. */
export interface StrategyOptions {
  /** least-latency: deployments within this share of the fastest (e.g. 0.2 = 20%) share load. */
  latencyTolerance?: number;
  /** cost: skip deployments whose quality is below this (0..1); auto: the predicted quality a choice must reach (default 0.8). */
  qualityFloor?: number;
  /** auto: how quality is predicted, and how much cost weighs. */
  auto?: AutoOptions;
  /** adaptive: learning rate, stability, floor and signal weights (see routing/adaptive/settings.ts). */
  adaptive?: AdaptiveOptions;
  /** Expert routing: skills a request may need and how they are recognised (see routing/experts/skills.ts). */
  experts?: ExpertOptions;
}

export interface AutoOptions {
  /** Default `complexity`, the mode that did best on the held-out evaluation data. */
  mode?: AutoMode;
  /**
   * 0 (default): the cheapest deployment predicted to reach the floor. Above 0: among those
   * reaching it, the highest predicted quality − costWeight × cost relative to the dearest.
   */
  costWeight?: number;
}

/** What the auto strategy reads besides the request: the learned model and what feedback taught. */
export interface AutoKnowledge {
  predictor?: QualityPredictor;
  /** The arm of (route, pattern, deployment), if feedback ever reached it. */
  arm(route: string, pattern: string, deployment: string): ArmStats | undefined;
}

export type { PredictorPrompt };

/** Mutable state a strategy keeps per route between requests (e.g. round-robin weights). */
export interface RouteStrategyState {
  /** Smooth weighted round-robin: current weight per deployment id. */
  currentWeights: Map<string, number>;
}

export interface StrategyContext {
  /**
   * The deployment's live health. Call it at most once per candidate and keep the values:
   * the planner serves it from the snapshot it read for this request, but a direct caller's
   * lookup may read a store and the clock every time.
   */
  health: (deploymentId: string) => HealthSnapshot;
  request: StrategyRequest;
  options: StrategyOptions;
  state: RouteStrategyState;
  /** Uniform in [0, 1). */
  random: () => number;
  now: number;
  /** The route being planned. */
  route?: string;
  /** For the auto strategy. */
  auto?: AutoKnowledge;
  /** For the adaptive strategy: the shares learned per route. */
  adaptive?: AdaptiveKnowledge;
  /**
   * Factors an SLA mitigation put on deployments' weights (see routing/weight-shifts.ts); 1
   * when absent. The weighted and adaptive strategies multiply their weights by it.
   */
  weightFactor?: (deploymentId: string) => number;
}

/** What the adaptive strategy reads: each deployment's learned share of its route's traffic. */
export interface AdaptiveKnowledge {
  /** Undefined when nothing was learned for the route or the deployment yet. */
  weight(route: string, deployment: string): number | undefined;
}

export interface StrategyDecision {
  ordered: Candidate[];
  /** One line: why this order. */
  reason: string;
  /**
   * Optional per-deployment notes (score, latency, cost) by deployment id, for the decision
   * endpoint. A function, called only when someone reads them: formatting a note per
   * candidate on every request would cost more than choosing the order. It describes the
   * values the decision was made on, not whatever the state holds when it is called.
   */
  notes?: () => Record<string, string>;
  /** A/B split: the variant (deployment id) this caller was assigned. */
  variant?: string;
  /** auto: the whole decision (confidence, pattern, complexity, estimates). */
  auto?: AutoDecision;
}

export type Strategy = (candidates: readonly Candidate[], context: StrategyContext) => StrategyDecision;

export const STRATEGY_NAMES = [
  'priority',
  'weighted',
  'round-robin',
  'least-busy',
  'least-latency',
  'p2c',
  'cost',
  'capability',
  'usage-aware',
  'random',
  'ab',
  'geographic',
  'sticky',
  'auto',
  'adaptive',
] as const;

export type StrategyName = (typeof STRATEGY_NAMES)[number];

export function newRouteStrategyState(): RouteStrategyState {
  return { currentWeights: new Map() };
}
