/**
 * The shapes admin input must have. Limits follow the config's rules (rates and concurrency are
 * whole numbers from 1, bursts from 0; absent means unlimited), so a key made here means what
 * the same key declared in the config would. Checks that need the clock or the store (expiry in
 * the future, the team exists, the routes exist) are made by the operations themselves.
 */
import { z } from 'zod';
import { KEY_TIERS, SCOPES } from '../../access/types';
import { SPEND_DIMENSIONS } from './types';

const rate = () => z.number().int().min(1);
const burst = () => z.number().int().min(0);
/** The fields of a limits object, with how each value is checked. */
function limitFields<Value extends z.ZodType>(wrap: (schema: z.ZodNumber) => Value) {
  return { rpm: wrap(rate()), rpd: wrap(rate()), tpm: wrap(rate()), tpd: wrap(rate()), burst: wrap(burst()), tokenBurst: wrap(burst()) };
}
const optional = (schema: z.ZodNumber) => schema.optional();
const removable = (schema: z.ZodNumber) => schema.nullable().optional();

const keyLimits = z.strictObject({ ...limitFields(optional), maxConcurrent: rate().optional() });
const teamLimits = z.strictObject(limitFields(optional));
const keyLimitsPatch = z.strictObject({ ...limitFields(removable), maxConcurrent: rate().nullable().optional() });
const teamLimitsPatch = z.strictObject(limitFields(removable));

const budget = z.strictObject({ usd: z.number().gt(0).max(1e9), period: z.enum(['day', 'week', 'month', 'lifetime']) });

/** One budget per period: two would only make the smaller one matter. */
const budgets = z
  .array(budget)
  .max(4)
  .superRefine((list, context) => {
    list.forEach((entry, index) => {
      if (list.findIndex((other) => other.period === entry.period) < index) {
        context.addIssue({ code: 'custom', path: [index, 'period'], message: `expected one budget per period; ${entry.period} is given twice` });
      }
    });
  });

const MAX_METADATA_ENTRIES = 32;
const metadataKey = z.string().min(1).max(64);
const metadataValue = z.string().max(1024);
const withinEntries = (record: Record<string, unknown>) => Object.keys(record).length <= MAX_METADATA_ENTRIES;
const metadata = z.record(metadataKey, metadataValue).refine(withinEntries, { message: `expected at most ${MAX_METADATA_ENTRIES} entries` });
const metadataPatch = z.record(metadataKey, metadataValue.nullable()).refine(withinEntries, { message: `expected at most ${MAX_METADATA_ENTRIES} entries` });

const name = z.string().trim().min(1).max(200);

/** Team ids appear in URL paths, headers, logs and the ledger: letters, digits and `. _ : @ -`. */
export const teamId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, {
  message: 'expected an id of at most 128 letters, digits and . _ : @ - (starting with a letter or digit)',
});

/** Route names, as the config allows them (printable ASCII without spaces), or `*` for all. */
const routes = z
  .array(z.string().regex(/^[\x21-\x7e]{1,128}$/, { message: 'expected a route name (printable ASCII without spaces) or *' }))
  .min(1)
  .max(256)
  .transform((list) => [...new Set(list)]);

const scopes = z
  .array(z.enum(SCOPES))
  .min(1)
  .transform((list) => [...new Set(list)]);

const instant = z.number().int().min(0);

export const keyInputSchema = z.strictObject({
  name,
  team: teamId.optional(),
  tier: z.enum(KEY_TIERS).default('standard'),
  routes: routes.default(['*']),
  scopes: scopes.default(['chat', 'embeddings']),
  expiresAt: instant.optional(),
  metadata: metadata.default({}),
  limits: keyLimits.default({}),
  budgets: budgets.default([]),
});

export const keyUpdateSchema = z.strictObject({
  name: name.optional(),
  team: teamId.nullable().optional(),
  tier: z.enum(KEY_TIERS).optional(),
  routes: routes.optional(),
  scopes: scopes.optional(),
  expiresAt: instant.nullable().optional(),
  metadata: metadataPatch.optional(),
  limits: keyLimitsPatch.optional(),
  budgets: budgets.optional(),
});

export const teamInputSchema = z.strictObject({
  id: teamId.optional(),
  name: name.optional(),
  metadata: metadata.default({}),
  limits: teamLimits.default({}),
  budgets: budgets.default([]),
});

export const teamUpdateSchema = z.strictObject({
  name: name.optional(),
  metadata: metadataPatch.optional(),
  limits: teamLimitsPatch.optional(),
  budgets: budgets.optional(),
});

/** At most 30 days: a longer overlap is a second key, not a rotation. */
export const MAX_GRACE_SECONDS = 30 * 24 * 3600;

export const rotateSchema = z.strictObject({ graceSeconds: z.number().int().min(0).max(MAX_GRACE_SECONDS) });

export const keyQuerySchema = z.strictObject({ team: z.string().min(1).optional(), includeInactive: z.boolean().optional() });

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 1_000;

export const auditQuerySchema = z.strictObject({
  since: instant.optional(),
  target: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(MAX_AUDIT_LIMIT).default(DEFAULT_AUDIT_LIMIT),
});

const isCalendarDay = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
const day = z.string().refine(isCalendarDay, { message: 'expected a calendar day such as 2026-01-31' });
const filterValue = z.string().min(1).max(256);

export const MAX_SPEND_ROWS = 10_000;

export const spendQuerySchema = z
  .strictObject({
    groupBy: z
      .array(z.enum(SPEND_DIMENSIONS))
      .max(SPEND_DIMENSIONS.length)
      .transform((list) => [...new Set(list)]),
    since: day.optional(),
    until: day.optional(),
    filter: z
      .strictObject({ key: filterValue.optional(), team: filterValue.optional(), route: filterValue.optional(), deployment: filterValue.optional(), model: filterValue.optional() })
      .optional(),
    limit: z.number().int().min(1).max(MAX_SPEND_ROWS).optional(),
  })
  // Days in YYYY-MM-DD compare as text.
  .refine((query) => query.since === undefined || query.until === undefined || query.since <= query.until, {
    path: ['until'],
    message: 'expected a day on or after since',
  });

export const usageTargetSchema = z
  .strictObject({ key: z.string().min(1).optional(), team: z.string().min(1).optional() })
  .refine((target) => (target.key === undefined) !== (target.team === undefined), { path: ['key'], message: 'expected exactly one of key or team' });
