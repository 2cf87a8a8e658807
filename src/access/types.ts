/**
 * Who may call, and how much: virtual keys, teams, their limits and budgets, and the audit log
 * of every change to them. These are plain data, shared by the access store (where they are
 * kept), the key ring (the request path's in-memory view), the admission stage and the admin
 * surface. Amounts of money are USD; instants are Unix milliseconds.
 */

/** A key's tier: scales its rate limits (free 0.5×, standard 1×, premium 2×) and orders it in queues. */
export type KeyTier = 'free' | 'standard' | 'premium';

export const KEY_TIERS: readonly KeyTier[] = ['free', 'standard', 'premium'];

/**
 * What a key may do. `chat` the chat APIs (/v1/chat/completions, /v1/messages, /complete) and
 * text to speech (/v1/audio/speech);
 * `embeddings` /v1/embeddings; `routing:read` the routing and status endpoints (/v1/providers,
 * /v1/routing/decision, and the cost-optimiser's reads); `metrics` /metrics; `admin` the admin API. /v1/models needs no scope,
 * only a valid key.
 */
export type Scope = 'chat' | 'embeddings' | 'routing:read' | 'metrics' | 'admin';

export const SCOPES: readonly Scope[] = ['chat', 'embeddings', 'routing:read', 'metrics', 'admin'];

/** Rate limits; every field optional, absent means unlimited. Per minute ones allow `burst` above the steady rate. */
export interface RateLimits {
  /** Requests per minute. */
  rpm?: number;
  /** Requests per calendar day (in the configured time zone). */
  rpd?: number;
  /** Tokens (input + output) per minute. */
  tpm?: number;
  /** Tokens per calendar day. */
  tpd?: number;
  /** Requests a caller may make at once above the steady per-minute rate (default: none). */
  burst?: number;
  /** Tokens a caller may use at once above the steady per-minute rate (default: none). */
  tokenBurst?: number;
  /** Requests in flight at once (keys only). */
  maxConcurrent?: number;
}

export type BudgetPeriod = 'day' | 'week' | 'month' | 'lifetime';

/** A spending cap over one calendar period (in the configured time zone) or for ever. */
export interface Budget {
  usd: number;
  period: BudgetPeriod;
}

/** A key as stored. The key itself is never stored: only its SHA-256 hash (hex) and a short prefix to recognise it by. */
export interface KeyRecord {
  /** Stable id (`key_…`), used in the ledger and the admin API. */
  id: string;
  /** The first characters of the key (`jk-AbCd`), safe to show and log. */
  prefix: string;
  /** SHA-256 of the whole key, lowercase hex. */
  hash: string;
  name: string;
  team?: string;
  tier: KeyTier;
  /** Routes it may call; `['*']` for all. */
  routes: string[];
  scopes: Scope[];
  /** From this instant on the key is refused (as `expired`). */
  expiresAt?: number;
  metadata: Record<string, string>;
  limits: RateLimits;
  budgets: Budget[];
  createdAt: number;
  /**
   * Set once revoked; the key is refused from this instant on, by every replica within a
   * second. An instant in the future leaves it working until then (e.g. a rotated key's grace period).
   */
  revokedAt?: number;
  /** Declared in the config (not changeable through the admin API) or created through it. */
  source: 'config' | 'admin';
  /** Bumped on every change; the key ring uses it to pick up changes since its last look. */
  version: number;
}

/** A key's settings as a config or an admin caller gives them; everything has a default. */
export interface KeySettings {
  team?: string;
  /** Default `standard`. */
  tier?: KeyTier;
  /** Default `['*']`: every route. */
  routes?: string[];
  /** Default `['chat', 'embeddings']`. */
  scopes?: Scope[];
  /** Unix ms. */
  expiresAt?: number;
  metadata?: Record<string, string>;
  limits?: RateLimits;
  budgets?: Budget[];
}

/** A team: keys belong to one; its limits and budgets are shared by all its keys. */
export interface TeamRecord {
  id: string;
  name: string;
  metadata: Record<string, string>;
  limits: RateLimits;
  budgets: Budget[];
  createdAt: number;
  source: 'config' | 'admin';
  version: number;
}

/** One admin action, kept for ever: who, what, to what, when. */
export interface AuditEntry {
  at: number;
  /** `admin` (the environment's admin key), `key:<id>` (a key with the admin scope), `config`, `cli`. */
  actor: string;
  /** e.g. `key.create`, `key.revoke`, `key.rotate`, `team.create`, `team.update`. */
  action: string;
  /** The id acted on. */
  target: string;
  /** What changed (never a key or its hash). */
  details?: Record<string, unknown>;
}
