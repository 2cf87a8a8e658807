/**
 * The routing domain after config validation: providers, deployments and routes as plain,
 * fully defaulted data. The config loader produces these; nothing downstream reads YAML.
 */

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
  /** Lower runs first under the priority strategy. */
  priority: number;
  weight: number;
  tags: Record<string, string>;
}

export type StrategyName = 'priority';

export interface Route {
  /** Public model name callers ask for. */
  name: string;
  description?: string;
  /** Deployment ids, in the order the priority strategy tries them. */
  deployments: string[];
  strategy: StrategyName;
  /** Extra tries of the same deployment on a retryable failure before moving on. */
  retries: number;
}

/** Providers, deployments and routes, looked up by id. */
export interface Catalog {
  providers: Map<string, Provider>;
  deployments: Map<string, Deployment>;
  routes: Map<string, Route>;
}
