/**
 * What auto-routing learns while it runs: per arm (route × pattern × deployment), the feedback
 * scores its answers got, against what was predicted for them. Decisions are remembered by
 * request id (a bounded number, oldest forgotten first) so that feedback arriving later can be
 * matched to the arm and prediction it is about. State is plain data, so it can be saved and
 * restored (see learning-file.ts) and a restart keeps what was learned.
 */
import { emptyArm, observe, posterior, type ArmStats } from './bandit';
import type { PromptPattern } from './complexity';
import type { LedgerAuto } from './types';

export interface RememberedDecision {
  /** Who made the request, when keys are on: only they (or an admin) may score it. */
  principal?: string;
  route: string;
  pattern: PromptPattern;
  deployment: string;
  /** What feedback is scored against: the learned model's own prediction when there was one. */
  predictedQuality: number;
}

export interface FeedbackOutcome {
  requestId: string;
  route: string;
  /** `adaptive` for a request the adaptive strategy routed (operations/adaptive-feedback.ts). */
  pattern: PromptPattern | 'adaptive';
  deployment: string;
  predictedQuality: number;
  score: number;
  /** The arm's mean residual after this score (observed − predicted). */
  residual: number;
  observations: number;
}

export interface ArmReport {
  route: string;
  pattern: string;
  deployment: string;
  observations: number;
  meanScore: number;
  /** Mean of observed − predicted: how much better (or worse) than the model thought. */
  residual: number;
}

export interface LearningSnapshot {
  version: 1;
  arms: Array<[string, ArmStats]>;
  feedback: { count: number; scoreSum: number };
}

export const DEFAULT_MAX_REMEMBERED = 100_000;

const SEPARATOR = '\u0000';

export class AutoLearning {
  readonly #arms = new Map<string, ArmStats>();
  readonly #decisions = new Map<string, RememberedDecision>();
  #feedbackCount = 0;
  #scoreSum = 0;
  #changed = false;

  constructor(
    private readonly now: () => number,
    private readonly maxRemembered = DEFAULT_MAX_REMEMBERED,
  ) {}

  arm(route: string, pattern: string, deployment: string): ArmStats | undefined {
    return this.#arms.get(armKey(route, pattern, deployment));
  }

  /** Keep an answered auto-routed request's decision, so feedback can find it. */
  remember(requestId: string, route: string, deployment: string, auto: LedgerAuto, principal?: string): void {
    if (this.#decisions.size >= this.maxRemembered) {
      const oldest = this.#decisions.keys().next().value;
      if (oldest !== undefined) this.#decisions.delete(oldest);
    }
    this.#decisions.set(requestId, { ...(principal === undefined ? {} : { principal }), route, pattern: auto.pattern, deployment, predictedQuality: auto.modelQuality ?? auto.predictedQuality });
  }

  decision(requestId: string): RememberedDecision | undefined {
    return this.#decisions.get(requestId);
  }

  /** A quality score in [0, 1] for an answered request; undefined when the request is not (or no longer) known. */
  feedback(requestId: string, score: number): FeedbackOutcome | undefined {
    const decision = this.#decisions.get(requestId);
    if (decision === undefined) return undefined;
    const arm = this.observe(decision.route, decision.pattern, decision.deployment, score, decision.predictedQuality);
    this.#feedbackCount += 1;
    this.#scoreSum += score;
    const belief = posterior(arm, this.now());
    return { requestId, route: decision.route, pattern: decision.pattern, deployment: decision.deployment, predictedQuality: decision.predictedQuality, score, residual: round(belief.mean), observations: round(belief.observations) };
  }

  /**
   * An outcome seen without anyone's feedback: e.g. the chosen deployment's answer was malformed
   * or cut short, which is as bad an answer as a 0 score.
   */
  observe(route: string, pattern: string, deployment: string, score: number, predicted: number): ArmStats {
    const now = this.now();
    const key = armKey(route, pattern, deployment);
    const arm = observe(this.#arms.get(key) ?? emptyArm(now), score, predicted, now);
    this.#arms.set(key, arm);
    this.#changed = true;
    return arm;
  }

  /** Every arm feedback reached, with its decayed figures. */
  arms(): ArmReport[] {
    const now = this.now();
    const reports: ArmReport[] = [];
    for (const [key, arm] of this.#arms) {
      const [route, pattern, deployment] = key.split(SEPARATOR) as [string, string, string];
      const belief = posterior(arm, now);
      // Decay scales both sums alike, so their ratio is the decayed mean.
      const meanScore = arm.weight > 0 ? arm.scoreSum / arm.weight : 0;
      reports.push({ route, pattern, deployment, observations: round(belief.observations), meanScore: round(meanScore), residual: round(belief.mean) });
    }
    return reports;
  }

  totals(): { feedback: number; meanScore: number; remembered: number } {
    return { feedback: this.#feedbackCount, meanScore: this.#feedbackCount === 0 ? 0 : round(this.#scoreSum / this.#feedbackCount), remembered: this.#decisions.size };
  }

  /** Whether anything was learned since the last `snapshot(true)`. */
  get changed(): boolean {
    return this.#changed;
  }

  snapshot(markSaved = false): LearningSnapshot {
    if (markSaved) this.#changed = false;
    return { version: 1, arms: [...this.#arms], feedback: { count: this.#feedbackCount, scoreSum: this.#scoreSum } };
  }

  restore(snapshot: LearningSnapshot): void {
    this.#arms.clear();
    for (const [key, arm] of snapshot.arms) this.#arms.set(key, { ...arm });
    this.#feedbackCount = snapshot.feedback.count;
    this.#scoreSum = snapshot.feedback.scoreSum;
  }
}

function armKey(route: string, pattern: string, deployment: string): string {
  return `${route}${SEPARATOR}${pattern}${SEPARATOR}${deployment}`;
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
