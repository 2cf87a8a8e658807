/**
 * The config's access sections: `auth` (who may call: open, or virtual keys; keys and teams
 * declared for GitOps), `limits` (global and per-provider caps, calendar time zone, what to do
 * when the shared store is down, alerts) and the per-route `limits`, `budgets`, `downgradeTo`
 * and `concurrency` fields that schema.ts adds to each route.
 */
import { z } from 'zod';
import { KEY_DIGITS, looksLikeKey } from '../access/keys';
import { KEY_TIERS, SCOPES } from '../access/types';
import { DEFAULT_ADMIN_KEY_ENV } from './defaults';
import { httpUrl, nameKey, nonEmptyString, positiveInteger } from './schema-helpers';

const amount = () => z.number().int().min(0);

const rateLimitFields = {
  rpm: positiveInteger().optional(),
  rpd: positiveInteger().optional(),
  tpm: positiveInteger().optional(),
  tpd: positiveInteger().optional(),
  burst: amount().optional(),
  tokenBurst: amount().optional(),
};

/** Rate limits of a team, route or the whole gateway; absent fields are unlimited. */
export const rateLimitsSchema = z.strictObject(rateLimitFields).default(() => ({}));

/** A key's rate limits, and how many of its requests may be in flight at once. */
const keyLimitsSchema = z.strictObject({ ...rateLimitFields, maxConcurrent: positiveInteger().optional() }).default(() => ({}));

/**
 * Spending caps, one per period: budgets of one owner and period share one counter, so a second
 * would draw on it twice and only the smaller cap would matter (the admin API refuses it too).
 */
export const budgetsSchema = z
  .array(z.strictObject({ usd: z.number().gt(0), period: z.enum(['day', 'week', 'month', 'lifetime']) }))
  .superRefine((budgets, context) => {
    budgets.forEach((budget, index) => {
      if (budgets.findIndex((other) => other.period === budget.period) < index) {
        context.addIssue({ code: 'custom', path: [index, 'period'], message: 'expected a period no other budget in this list has (one budget per period)' });
      }
    });
  })
  .default(() => []);

const isoInstant = () =>
  z.string().refine((text) => !Number.isNaN(Date.parse(text)), { message: 'expected a date such as 2027-01-01 or 2027-01-01T00:00:00Z' });

const declaredKeySchema = z
  .strictObject({
    id: nameKey(),
    name: nonEmptyString().optional(),
    /** The key itself, normally from the environment (`${CI_KEY}`); hashed at start, never kept. */
    key: z.string().refine(looksLikeKey, { message: `expected a virtual key: jk- followed by ${KEY_DIGITS} letters and digits (as 'junction keys generate' makes)` }).optional(),
    /** SHA-256 of the key, lowercase hex. */
    hash: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected a SHA-256 hash: 64 lowercase hex digits' }).optional(),
    team: nameKey().optional(),
    tier: z.enum(KEY_TIERS).default('standard'),
    scopes: z.array(z.enum(SCOPES)).min(1).default(() => ['chat' as const, 'embeddings' as const]),
    routes: z.array(nonEmptyString()).min(1).default(() => ['*']),
    expiresAt: isoInstant().optional(),
    metadata: z.record(nonEmptyString(), z.string()).default(() => ({})),
    limits: keyLimitsSchema,
    budgets: budgetsSchema,
  })
  .refine((key) => (key.key === undefined) !== (key.hash === undefined), { message: 'expected exactly one of key (from the environment) or hash', path: ['hash'] });

const declaredTeamSchema = z.strictObject({
  name: nonEmptyString().optional(),
  metadata: z.record(nonEmptyString(), z.string()).default(() => ({})),
  limits: rateLimitsSchema,
  budgets: budgetsSchema,
});

/** `auth.adminKeyEnv`: the name of the environment variable that holds the admin key (the admin commands read it too). */
export const adminKeyEnvSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name' }).default(DEFAULT_ADMIN_KEY_ENV);

export const authSchema = z
  .strictObject({
    mode: z.enum(['open', 'keys']).default('open'),
    /** Open access on an address other than loopback must be asked for by name. */
    openOnPublicAddress: z.boolean().default(false),
    /** The environment variable holding the admin key for /admin (and the CLI). */
    adminKeyEnv: adminKeyEnvSchema,
    /** How often each replica asks the key store what changed (a revoked key is refused everywhere within this plus one query). */
    keyPollMs: positiveInteger().max(1_000).default(250),
    keys: z.array(declaredKeySchema).default(() => []),
    teams: z.record(nameKey(), declaredTeamSchema).default(() => ({})),
  })
  .prefault({});

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const failMode = () => z.enum(['open', 'closed']);

export const limitsSchema = z
  .strictObject({
    /** Calendar days, weeks (from Monday) and months of daily limits and budgets are counted in this zone. */
    timeZone: z.string().refine(isTimeZone, { message: 'expected an IANA time zone such as UTC or Europe/Paris' }).default('UTC'),
    tierMultipliers: z
      .strictObject({ free: z.number().gt(0).default(0.5), standard: z.number().gt(0).default(1), premium: z.number().gt(0).default(2) })
      .prefault({}),
    /** Output tokens reserved for a request that sets no max_tokens (capped by the deployment's own maximum). */
    defaultMaxOutputTokens: positiveInteger().default(4_096),
    /** Each key's limit for every field it does not set itself (field by field); each key's tier multiplier applies. */
    keyDefaults: keyLimitsSchema,
    /** When the shared limit store (Redis) cannot answer: admit (`open`) or refuse with a 503 (`closed`). */
    onStoreDown: z.strictObject({ rateLimits: failMode().default('open'), budgets: failMode().default('closed') }).prefault({}),
    /** Limit store answers slower than this count as down (ms). */
    storeTimeoutMs: positiveInteger().default(50),
    global: z.strictObject({ limits: rateLimitsSchema, budgets: budgetsSchema }).prefault({}),
    providers: z.record(nameKey(), z.strictObject({ budgets: budgetsSchema })).default(() => ({})),
    alerts: z
      .strictObject({
        thresholds: z.array(z.number().gt(0).lt(1)).default(() => [0.8, 0.95]),
        webhook: z.strictObject({ url: httpUrl(), headers: z.record(nonEmptyString(), z.string()).default(() => ({})) }).optional(),
      })
      .prefault({}),
  })
  .prefault({});

/** Fields every route may add. */
export const routeAccessFields = {
  limits: rateLimitsSchema,
  budgets: budgetsSchema,
  /** When a budget refuses a request for this route, serve it from this (cheaper) route instead. */
  downgradeTo: nonEmptyString().optional(),
  /** Requests in flight on this route at once in each process; more wait in a priority queue. */
  concurrency: z.strictObject({ max: positiveInteger(), queue: z.number().int().min(0).default(100) }).optional(),
};
