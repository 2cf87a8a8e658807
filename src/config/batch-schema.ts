/**
 * The top-level `batch` section: the OpenAI-compatible Batch API and the forecast-driven
 * scheduler that runs its lines when interactive load leaves room. Off by default.
 */
import { z } from 'zod';
import { headerName, nonEmptyString, positiveInteger } from './schema-helpers';

export const batchSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** Where uploaded files, batches and their results are kept: this process's memory, or a SQLite file (relative to the config). */
    store: z
      .strictObject({
        kind: z.enum(['memory', 'sqlite']).default('memory'),
        path: nonEmptyString().default('junction-batch.db'),
      })
      .prefault({}),
    /** How often the scheduler decides what to run (ms). */
    tickMs: positiveInteger().default(1_000),
    /** Fraction of each deployment's capacity kept for interactive traffic the forecast did not see. */
    margin: z.number().min(0).max(0.95).default(0.2),
    /** Interactive p99 latency the scheduler protects (ms): reported beside the forecast. */
    p99TargetMs: positiveInteger().default(1_000),
    /** Width of the forecast's buckets (minutes); a day must be a whole number of them. */
    bucketMinutes: positiveInteger().default(15).refine((minutes) => 1_440 % minutes === 0, { message: 'a divisor of 1440 (minutes in a day), such as 15' }),
    /** Days of ledger history the forecast is fitted to. */
    historyDays: positiveInteger().default(7),
    /** Requests per minute each deployment serves without hurting its latency (or its rate limit). */
    capacityRpm: z.record(headerName(), positiveInteger()).default({}),
    /** Capacity of a deployment `capacityRpm` does not name. */
    defaultCapacityRpm: positiveInteger().default(600),
    /** Batch lines in flight at once, over all batches. */
    maxInFlight: positiveInteger().default(16),
    /** Largest file accepted by POST /v1/files (bytes). */
    maxFileBytes: positiveInteger().default(100 * 1024 * 1024),
    /** Most lines in one input file. */
    maxLines: positiveInteger().default(50_000),
  })
  .prefault({});
