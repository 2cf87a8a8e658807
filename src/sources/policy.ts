/**
 * Per-metric policy: what makes a source usable, how values are fused, how long the router may
 * answer from history when no source is usable, and how long a cache may keep an answer.
 * One zod schema gives the type, the defaults and readable errors (the YAML config and the
 * API both parse through it).
 */
import { z } from 'zod';

const durationMs = z.number().int().nonnegative();

export const ttlStepSchema = z.object({
  /** Answers with confidence strictly above this… */
  above: z.number().min(0).max(1),
  /** …may be cached this long. */
  ttlMs: durationMs,
});

export const sourcePolicySchema = z
  .object({
    /** Usable sources needed for a fused answer; with fewer, the synthetic fallback answers. */
    minSources: z.number().int().min(1).default(1),
    /** A reading whose timestamp is older than this (at decision time) is stale and not used. */
    maxStalenessMs: durationMs.default(3_600_000),
    /**
     * Outlier rejection (and the two-source rule that `auto` uses for pairs): largest relative
     * deviation from the weighted median a kept reading may have (0.5 = 50%), and the relative
     * gap at which two readings disagree. The weighted median and the Huber blend do not reject;
     * they only weigh.
     */
    maxDeviation: z.number().positive().default(0.5),
    /**
     * Smallest spread, in the metric's units, that counts as disagreement: below it sources
     * agree (PM2.5 readings are whole µg/m³, so two readings 1 apart are not a dispute).
     */
    scaleFloor: z.number().nonnegative().default(0),
    fusion: z.enum(['auto', 'best-source', 'weighted-median', 'robust-blend', 'outlier-rejection', 'interval']).default('auto'),
    synthetic: z
      .object({
        allowed: z.boolean().default(true),
        /** How long after the last real answer a synthetic one may still be given. */
        horizonMs: durationMs.default(6 * 3_600_000),
      })
      .prefault({}),
    /** Cache TTL by confidence: the first step whose `above` the confidence exceeds wins. */
    ttl: z
      .object({
        steps: z.array(ttlStepSchema).default([
          { above: 0.9, ttlMs: 300_000 },
          { above: 0.7, ttlMs: 180_000 },
        ]),
        defaultMs: durationMs.default(60_000),
      })
      .prefault({}),
    breaker: z
      .object({
        /** First wait before an opened source is probed; doubles on each repeated trip. */
        cooldownMs: durationMs.default(3 * 3_600_000),
        maxCooldownMs: durationMs.default(48 * 3_600_000),
        /** Agreeing probes in a row that close a half-open source. */
        probeRounds: z.number().int().min(1).default(3),
        /** Rounds a value may stay the same while the consensus moves before the source counts as stuck. */
        stuckRounds: z.number().int().min(2).default(4),
        /** Rounds in a row with stale timestamps before the source is opened. */
        staleRounds: z.number().int().min(1).default(3),
        /** Smoothed signed deviation, in robust-scale units, that marks a source as biased (8: tuned on the training replay; at 4 real monitors that differ for a day were opened too often). */
        biasThreshold: z.number().positive().default(8),
      })
      .prefault({}),
    trust: z
      .object({
        /** Learned trust drifts back to the prior with this half-life when a source is not compared. */
        halfLifeMs: durationMs.default(7 * 24 * 3_600_000),
        /** Weight of one round's agreement in the trust average. */
        learningRate: z.number().positive().max(1).default(0.05),
      })
      .prefault({}),
    /** The error counted as "right" when calibrating confidence: max(absolute, relative × |value|). */
    tolerance: z
      .object({
        absolute: z.number().nonnegative().default(0),
        relative: z.number().nonnegative().default(0.1),
      })
      .prefault({}),
  })
  .strict();

export type SourcePolicy = z.output<typeof sourcePolicySchema>;
export type SourcePolicyInput = z.input<typeof sourcePolicySchema>;

export const DEFAULT_SOURCE_POLICY: SourcePolicy = sourcePolicySchema.parse({});

/** Parses a policy (throws a ZodError naming the path at fault). */
export function parsePolicy(input: SourcePolicyInput | undefined): SourcePolicy {
  return sourcePolicySchema.parse(input ?? {});
}

/** How long an answer with this confidence may be cached. */
export function ttlFor(confidence: number, policy: SourcePolicy): number {
  for (const step of policy.ttl.steps) if (confidence > step.above) return step.ttlMs;
  return policy.ttl.defaultMs;
}

/** The tolerance that defines a "right" answer at this value. */
export function toleranceAt(value: number, policy: SourcePolicy): number {
  return Math.max(policy.tolerance.absolute, policy.tolerance.relative * Math.abs(value), Number.EPSILON);
}
