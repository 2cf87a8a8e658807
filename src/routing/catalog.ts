/**
 * The routing domain after config validation: providers, deployments and routes as plain,
 * fully defaulted data. The config loader produces these; nothing downstream reads YAML.
 */
import type { RouteCachePolicy } from '../cache/types';
import type { BreakerPolicy } from '../resilience/types';
import type { FirstByteSetting } from './first-byte-timeout';
import type { RouteSpeechPolicy, SpeechProfile } from './speech-types';
import type { StrategyName, StrategyOptions } from './strategies/types';

export type ProviderKind = 'openai' | 'anthropic' | 'gemini' | 'openai-compatible';

/** Named settings for OpenAI-compatible servers (see src/providers/openai-compatible). */
export type CompatiblePreset = 'vllm' | 'ollama' | 'llamacpp' | 'openrouter' | 'groq' | 'together' | 'generic';

export interface Provider {
  id: string;
  kind: ProviderKind;
  /** Base URL including the API version prefix, e.g. `https://api.openai.com/v1`, `https://api.anthropic.com/v1`, `https://generativelanguage.googleapis.com/v1beta`. */
  baseUrl: string;
  /** Resolved secret; never logged or printed. */
  apiKey?: string;
  preset?: CompatiblePreset;
  region?: string;
  /** Per-attempt budget for the whole upstream response (non-streamed) or the first byte (streamed). */
  timeoutMs: number;
  connectTimeoutMs: number;
  /** Upper bound of keep-alive connections in the provider's pool. */
  maxConnections: number;
  /** Extra headers sent on every upstream request. */
  headers: Record<string, string>;
}

export type Capability = 'chat' | 'tools' | 'vision' | 'json' | 'streaming' | 'embeddings' | 'speech';

export interface Pricing {
  /** USD per 1M input tokens (uncached). */
  inputPerMillion: number;
  /** USD per 1M output tokens. */
  outputPerMillion: number;
  /** USD per 1M cached input tokens; defaults to the input price. */
  cachedInputPerMillion?: number;
}

export interface Deployment {
  id: string;
  /** Provider id. */
  provider: string;
  /** Model id as the upstream knows it. */
  model: string;
  pricing: Pricing;
  contextWindow: number;
  maxOutputTokens?: number;
  capabilities: Capability[];
  /** 0..1, higher is better; used by quality-aware strategies. */
  quality?: number;
  /** auto: the model's name in the learned quality model, when it differs from `model`. */
  qualityModel?: string;
  /** Lower runs first under the priority strategy. */
  priority: number;
  weight: number;
  tags: Record<string, string>;
  /** Upstream limits for this deployment, used by the usage-aware strategy (headroom). */
  limits?: { rpm?: number; tpm?: number; maxInFlight?: number };
  /** Text to speech: what it covers (present with the `speech` capability). */
  speech?: SpeechProfile;
}

/** Fallback tiers, tried in this order once the tier before has nothing left to try. */
export const TIER_NAMES = ['primary', 'secondary', 'emergency', 'local'] as const;
export type TierName = (typeof TIER_NAMES)[number];

export interface Tier {
  name: TierName;
  deployments: string[];
}

export interface RetryPolicy {
  /** Extra tries of the same deployment on a retryable failure before moving on. */
  attempts: number;
  /** Full-jitter exponential backoff: wait random × min(maxDelayMs, baseDelayMs × 2^n). */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Retry budget: retries may add at most this share of the route's recent request volume
   * (plus a small floor), so retries cannot multiply load during an outage.
   */
  budgetRatio: number;
}

export interface HedgePolicy {
  /** Start a second attempt when the first has no first byte after this long; `p95` uses the deployment's observed p95 TTFT. */
  delayMs: number | 'p95';
  /** Used with `p95` until the deployment has samples. */
  fallbackDelayMs: number;
}

/** What a request may ask for through headers on this route. */
export interface RouteOverrides {
  strategy: boolean;
  pin: boolean;
  exclude: boolean;
  /** auto: the request may set its quality floor, cost ceiling and mode (headers). */
  auto: boolean;
}

export interface Route {
  /** Public model name callers ask for. */
  name: string;
  description?: string;
  /** The primary tier's deployments (the first entry of `tiers`). */
  deployments: string[];
  /** Primary, then secondary, emergency (degraded models) and local tiers, in order. */
  tiers: Tier[];
  strategy: StrategyName;
  strategyOptions: StrategyOptions;
  retry: RetryPolicy;
  /** Per-attempt timeout; defaults to the provider's `timeoutMs`. */
  attemptTimeoutMs?: number;
  /** How long an attempt may wait for the upstream's first byte (see first-byte-timeout.ts); `auto` bounds streams by the prompt and the deployment's history. */
  firstByteTimeoutMs: FirstByteSetting;
  /** Overall deadline for the request over all attempts; defaults to the server's. */
  timeoutMs?: number;
  /** Absent: no hedging. */
  hedge?: HedgePolicy;
  /** A stream cut after its first byte continues on another deployment, the partial answer sent as an assistant prefix. */
  streamResume: boolean;
  breaker: BreakerPolicy;
  /** Emergency tier: when every deployment fails, serve the last good answer to the same request, marked stale. */
  staleCache: boolean;
  /** Last resort: answer with this text, marked as static, rather than fail. */
  staticResponse?: string;
  overrides: RouteOverrides;
  /** Absent: answers on this route are never cached. */
  cache?: RouteCachePolicy;
  /** Text to speech: fallback voices and default tier. */
  speech?: RouteSpeechPolicy;
}

/** Providers, deployments and routes, looked up by id. */
export interface Catalog {
  providers: Map<string, Provider>;
  deployments: Map<string, Deployment>;
  routes: Map<string, Route>;
}
