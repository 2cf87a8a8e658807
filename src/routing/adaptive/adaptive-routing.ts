/**
 * The adaptive strategy's running part for one gateway: a learner per route (made on first use,
 * with the route's `strategyOptions.adaptive`), fed by every finished attempt on a route that
 * routes adaptively (or that a request asked to, with `x-junction-strategy`), and by quality feedback on the requests it served (remembered by request id,
 * boundedly). The strategy reads the learned shares through `knowledge`.
 */
import type { Catalog } from '../catalog';
import type { AdaptiveKnowledge } from '../strategies/types';
import { AdaptiveLearner, type ArmState, type AttemptObservation } from './learner';
import { adaptiveSettings } from './settings';

/** An answered request the adaptive strategy routed, kept so feedback can find it. */
export interface AdaptiveDecision {
  route: string;
  deployment: string;
  principal?: string;
}

export interface AdaptiveRoutingOptions {
  catalog: () => Catalog;
  now: () => number;
  /** Most answered requests remembered for feedback (oldest forgotten first). */
  maxRemembered?: number;
}

const DEFAULT_MAX_REMEMBERED = 10_000;

export class AdaptiveRouting {
  readonly #learners = new Map<string, AdaptiveLearner>();
  /** The options each learner was made with, so a reload that changes them starts afresh. */
  readonly #madeWith = new Map<string, unknown>();
  readonly #decisions = new Map<string, AdaptiveDecision>();
  readonly knowledge: AdaptiveKnowledge;

  constructor(private readonly options: AdaptiveRoutingOptions) {
    this.knowledge = { weight: (route, deployment) => this.#learners.get(route)?.weight(deployment) };
  }

  /** Whether attempts on the route teach anything: it routes adaptively, or did and learned. */
  learns(route: string): boolean {
    return this.#learners.has(route) || this.options.catalog().routes.get(route)?.strategy === 'adaptive';
  }

  /** One finished attempt on the route. */
  observe(route: string, deployment: string, observation: AttemptObservation): void {
    if (!this.learns(route)) return;
    this.learner(route)?.observe(deployment, observation);
  }

  /** Remembers an answered request for feedback. */
  remember(requestId: string, decision: AdaptiveDecision): void {
    if (this.#decisions.size >= (this.options.maxRemembered ?? DEFAULT_MAX_REMEMBERED)) {
      const oldest = this.#decisions.keys().next().value;
      if (oldest !== undefined) this.#decisions.delete(oldest);
    }
    this.#decisions.set(requestId, decision);
  }

  decision(requestId: string): AdaptiveDecision | undefined {
    return this.#decisions.get(requestId);
  }

  /** A caller's score in [0, 1] of a remembered request's answer; the learner after it, or undefined if unknown. */
  feedback(requestId: string, score: number): { decision: AdaptiveDecision; arm: ArmState } | undefined {
    const decision = this.#decisions.get(requestId);
    const learner = decision && this.learner(decision.route);
    if (decision === undefined || learner === undefined) return undefined;
    learner.feedback(decision.deployment, score);
    const arm = learner.arms().find((candidate) => candidate.deployment === decision.deployment);
    return arm === undefined ? undefined : { decision, arm };
  }

  /** The route's learner, made with its current options (undefined for a route no longer configured). */
  learner(route: string): AdaptiveLearner | undefined {
    const configured = this.options.catalog().routes.get(route);
    const existing = this.#learners.get(route);
    if (configured === undefined) return existing;
    const options = configured.strategyOptions.adaptive;
    if (existing !== undefined && this.#madeWith.get(route) === options) return existing;
    const previous = this.#madeWith.get(route);
    this.#madeWith.set(route, options);
    // A reload that leaves the options as they were keeps what was learned.
    if (existing !== undefined && JSON.stringify(previous) === JSON.stringify(options)) return existing;
    const learner = new AdaptiveLearner(configured.tiers.flatMap((tier) => tier.deployments), adaptiveSettings(options), this.options.now);
    this.#learners.set(route, learner);
    return learner;
  }

  /** Every route's learned weights and figures. */
  report(): Array<{ route: string; deployments: ArmState[] }> {
    return [...this.#learners].map(([route, learner]) => ({ route, deployments: learner.arms() }));
  }
}
