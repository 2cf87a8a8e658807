/**
 * The adaptive strategy's learning, pure and per route: each deployment's EWMA latency,
 * throughput (output tokens per second), success rate and, when callers send it, quality
 * feedback in [0, 1], folded into a score; the scores into target shares; and each observation
 * moves the route's weights a step towards those targets.
 *
 * - score: a weighted geometric mean of the signals, each relative to the route's best
 *   (fastest latency = 1, highest throughput = 1), so a deployment that fails every request
 *   scores 0 whatever its latency;
 * - target: score^sharpness normalised, then mapped into [floor, 1] so every deployment keeps
 *   `floor` of the traffic and its recovery is seen;
 * - update: w ← (1 − learningRate)·w + learningRate·target, the whole step shortened so that
 *   no weight moves by more than `stability` of itself. Both ends of the step are shares that
 *   sum to 1 and sit at or above the floor, so the result does too, exactly.
 *
 * A deployment never observed is scored optimistically (as good as the best), so a new one is
 * tried before it is judged. The clock only stamps when each deployment was last heard of.
 */
import type { AdaptiveSettings } from './settings';
import { ewma } from '../../resilience/health-maths';

/** One finished attempt, as the learner reads it. */
export interface AttemptObservation {
  success: boolean;
  /** The whole attempt's duration. */
  latencyMs: number;
  /** Output tokens of a successful attempt, for throughput; 0 or absent when unknown. */
  outputTokens?: number;
}

/** What the learner knows of one deployment, for reports and the decision preview. */
export interface ArmState {
  deployment: string;
  /** Its share of the route's traffic, in [floor, 1]. */
  weight: number;
  latencyMs: number | undefined;
  tokensPerSecond: number | undefined;
  successRate: number;
  quality: number | undefined;
  observations: number;
  feedback: number;
  /** Last observation or feedback (ms), if any. */
  updatedAt: number | undefined;
}

/** The learner's own, mutable record; `arms()` hands out copies. */
type Arm = ArmState;

export class AdaptiveLearner {
  readonly #arms: Arm[] = [];
  /** Scratch arrays for one update, reused: an update runs on every attempt. */
  #scores: number[] = [];

  constructor(
    deployments: readonly string[],
    readonly settings: AdaptiveSettings,
    private readonly now: () => number = Date.now,
  ) {
    for (const deployment of deployments) this.#add(deployment);
  }

  /** The deployment's share of traffic, or undefined when the learner has never heard of it. */
  weight(deployment: string): number | undefined {
    return this.#find(deployment)?.weight;
  }

  /** One attempt's outcome: the deployment's figures, then every weight of the route. */
  observe(deployment: string, observation: AttemptObservation): void {
    const arm = this.#find(deployment) ?? this.#add(deployment);
    const alpha = this.settings.smoothing;
    arm.observations += 1;
    arm.updatedAt = this.now();
    arm.successRate = ewma(arm.successRate, observation.success ? 1 : 0, alpha);
    // A failure's duration says how fast it failed, not how fast it answers.
    if (observation.success && Number.isFinite(observation.latencyMs) && observation.latencyMs >= 0) {
      arm.latencyMs = ewma(arm.latencyMs, observation.latencyMs, alpha);
      const tokens = observation.outputTokens ?? 0;
      if (tokens > 0 && observation.latencyMs > 0) {
        const rate = (tokens * 1000) / observation.latencyMs;
        arm.tokensPerSecond = ewma(arm.tokensPerSecond, rate, alpha);
      }
    }
    this.#update();
  }

  /** A caller's score of an answer the deployment gave, in [0, 1]. */
  feedback(deployment: string, quality: number): void {
    const arm = this.#find(deployment) ?? this.#add(deployment);
    const score = Math.min(1, Math.max(0, quality));
    arm.quality = ewma(arm.quality, score, this.settings.smoothing);
    arm.feedback += 1;
    arm.updatedAt = this.now();
    this.#update();
  }

  /** Every deployment's figures and weight, in the order they joined. */
  arms(): ArmState[] {
    return this.#arms.map((arm) => ({ ...arm }));
  }

  /** The shares the current figures point to (what the weights move towards). */
  targets(): Map<string, number> {
    const targets = this.#targets();
    return new Map(this.#arms.map((arm, index) => [arm.deployment, targets[index]]));
  }

  #find(deployment: string): Arm | undefined {
    for (const arm of this.#arms) if (arm.deployment === deployment) return arm;
    return undefined;
  }

  /** A newcomer joins with an equal share; the others give it up in proportion. */
  #add(deployment: string): Arm {
    const count = this.#arms.length + 1;
    for (const arm of this.#arms) arm.weight *= (count - 1) / count;
    const arm: Arm = { deployment, weight: 1 / count, latencyMs: undefined, tokensPerSecond: undefined, successRate: 1, quality: undefined, observations: 0, feedback: 0, updatedAt: undefined };
    this.#arms.push(arm);
    return arm;
  }

  #targets(): number[] {
    const arms = this.#arms;
    const { metricWeights, sharpness } = this.settings;
    let fastest = Number.POSITIVE_INFINITY;
    let mostTokens = 0;
    let qualitySum = 0;
    let qualityCount = 0;
    for (const arm of arms) {
      if (arm.latencyMs !== undefined) fastest = Math.min(fastest, arm.latencyMs);
      if (arm.tokensPerSecond !== undefined) mostTokens = Math.max(mostTokens, arm.tokensPerSecond);
      if (arm.quality !== undefined) {
        qualitySum += arm.quality;
        qualityCount += 1;
      }
    }
    // Without feedback quality says nothing; a deployment without any is taken at the route's mean.
    const meanQuality = qualityCount === 0 ? undefined : qualitySum / qualityCount;
    const scores = this.#scores;
    scores.length = arms.length;
    let total = 0;
    for (let index = 0; index < arms.length; index += 1) {
      const arm = arms[index];
      const latency = arm.latencyMs === undefined || fastest === Number.POSITIVE_INFINITY ? 1 : arm.latencyMs <= 0 ? 1 : Math.min(1, fastest / arm.latencyMs);
      const throughput = arm.tokensPerSecond === undefined || mostTokens <= 0 ? 1 : arm.tokensPerSecond / mostTokens;
      let score = latency ** metricWeights.latency * throughput ** metricWeights.throughput * arm.successRate ** metricWeights.success;
      if (meanQuality !== undefined) score *= (arm.quality ?? meanQuality) ** metricWeights.quality;
      score **= sharpness;
      scores[index] = Number.isFinite(score) ? score : 0;
      total += scores[index];
    }
    const floor = this.#floor();
    const spread = 1 - arms.length * floor;
    for (let index = 0; index < arms.length; index += 1) {
      scores[index] = floor + spread * (total > 0 ? scores[index] / total : 1 / arms.length);
    }
    return scores;
  }

  /** The configured floor, or an equal split when the floor leaves nothing to share. */
  #floor(): number {
    const count = this.#arms.length;
    return count === 0 ? 0 : Math.min(this.settings.floor, 1 / count);
  }

  #update(): void {
    const arms = this.#arms;
    if (arms.length === 0) return;
    const targets = this.#targets();
    const { learningRate, stability } = this.settings;
    // The full step is learningRate of the way to the target; shortened as a whole (so the
    // shares still sum to 1) until no weight moves by more than `stability` of itself.
    let scale = 1;
    for (let index = 0; index < arms.length; index += 1) {
      const step = Math.abs(learningRate * (targets[index] - arms[index].weight));
      const allowed = stability * arms[index].weight;
      if (step > allowed) scale = Math.min(scale, allowed / step);
    }
    for (let index = 0; index < arms.length; index += 1) {
      arms[index].weight += scale * learningRate * (targets[index] - arms[index].weight);
    }
  }
}
