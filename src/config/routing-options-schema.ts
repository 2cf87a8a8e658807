/**
 * Route strategy options that need more than a number: `adaptive` (the learner's tuning, see
 * routing/adaptive/settings.ts) and `experts` (skills recognised in requests, see
 * routing/experts/skills.ts). Every field is optional; the defaults live with the code that
 * uses them.
 */
import { z } from 'zod';

const share = () => z.number().min(0).max(1);

export const adaptiveOptionsSchema = z.strictObject({
  learningRate: z.number().gt(0).max(1).optional(),
  stability: share().optional(),
  floor: share().optional(),
  sharpness: z.number().min(0).max(32).optional(),
  smoothing: z.number().gt(0).max(1).optional(),
  metricWeights: z
    .strictObject({ latency: z.number().min(0).optional(), throughput: z.number().min(0).optional(), success: z.number().min(0).optional(), quality: z.number().min(0).optional() })
    .optional(),
});

const pattern = z.string().min(1).refine(
  (text) => {
    try {
      new RegExp(text, 'imu');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected a valid regular expression' },
);

const skillRule = z.strictObject({ keywords: z.array(z.string().trim().min(1)).optional(), patterns: z.array(pattern).optional() });

export const expertOptionsSchema = z.strictObject({
  skills: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, { message: 'expected a skill name of letters, digits, - and _' }), skillRule).optional(),
  strict: z.boolean().optional(),
});
