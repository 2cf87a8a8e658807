/**
 * The zod schema of a simulated model's behaviour, mirroring `ModelBehaviour` field for field.
 * Strict, so a misspelt knob (`errorRate`, `p95`) is an error rather than silently ignored.
 * Used by the control API and by the config's `simulator` section alike.
 */
import { z } from 'zod';
import type { ModelBehaviour } from './simulator-behaviour';

const probability = () => z.number().min(0).max(1);

const latencySchema = z
  .strictObject({ p50: z.number().min(0), p99: z.number().min(0) })
  .refine((latency) => latency.p99 >= latency.p50, { message: 'expected p99 to be at least p50', path: ['p99'] });

const errorStatus = z.string().regex(/^[45]\d\d$/, { message: 'expected an HTTP error status code (400-599)' });

export const modelBehaviourSchema = z.strictObject({
  latencyMs: latencySchema.optional(),
  tokensPerSecond: z.number().min(0).optional(),
  reply: z.string().optional(),
  replyTokens: z.number().int().min(1).max(100_000).optional(),
  callTools: z.boolean().optional(),
  down: z.boolean().optional(),
  errorRates: z.record(errorStatus, probability()).optional(),
  retryAfterSeconds: z.number().min(0).optional(),
  hangRate: probability().optional(),
  resetRate: probability().optional(),
  malformedJsonRate: probability().optional(),
  wrongShapeRate: probability().optional(),
  midStreamCutRate: probability().optional(),
  unfinishedStreamRate: probability().optional(),
  unfinishedStreamAt: z.enum(['start', 'early', 'end']).optional(),
  contextWindow: z.number().int().positive().optional(),
}) satisfies z.ZodType<ModelBehaviour>;

// Fails to compile when ModelBehaviour gains a field this schema does not know about.
type AssertNever<T extends never> = T;
export type UnvalidatedBehaviourFields = AssertNever<Exclude<keyof ModelBehaviour, keyof z.output<typeof modelBehaviourSchema>>>;
