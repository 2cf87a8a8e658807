/**
 * Junction in-process: the same pipeline the gateway runs (routing, health, breakers, retries,
 * fallback tiers, hedging, stream resume), called from TypeScript with canonical requests, no
 * HTTP server in between. Health and breakers live in memory unless a store is given (pass a
 * Redis store to share them with gateway replicas); requests are announced on `events` and
 * written to `ledger` when one is given.
 */
import type { SpeechRequest, SpeechResponse } from '../canonical/speech';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, Ingress, StreamEvent } from '../canonical/types';
import { configFromObject } from '../config/config-from-object';
import type { JunctionConfig } from '../config/types';
import type { Outcome } from '../gateway/account';
import type { RequestContext } from '../gateway/context';
import { GatewayEvents } from '../gateway/events';
import { Cancel } from '../gateway/execution/cancel';
import { Pipeline } from '../gateway/pipeline';
import { timeOrderedId } from '../gateway/request-id';
import type { RoutingHints } from '../gateway/routing-hints';
import { announceBreakerChanges, createServices } from '../gateway/services';
import type { PipelineStages } from '../gateway/stages';
import type { Ledger } from '../ledger/types';
import { createOperations, type Operations } from '../operations';
import { createLearningOperations, type LearningOperations } from '../operations/learning';
import type { QualityPredictor } from '../routing/auto/predictor';
import { inMemoryAutoRouting, learnFromRequest } from '../routing/auto/start-learning';
import { AdaptiveRouting } from '../routing/adaptive/adaptive-routing';
import { feedAdaptiveRouting, withAdaptiveFeedback } from '../operations/adaptive-feedback';
import { breakerPolicyFor } from '../routing/breaker-policies';
import { createMemoryStateStore } from '../state/memory/memory-state-store';
import type { StateStore } from '../state/types';
import { EventStream } from './event-stream';
import { CacheStats } from '../cache/cache-stats';
import { embedQuestion } from '../cache/embed-question';
import { MemoryCacheStore } from '../cache/memory/memory-cache-store';
import { createResponseCache } from '../cache/response-cache';
import type { SemanticCache } from '../cache/semantic-cache';
import { SemanticIndex } from '../cache/semantic-index';
import type { ResponseCache } from '../gateway/stages';

export interface RouterOptions {
  /** A store shared with other processes (e.g. the Redis one); in memory when absent. */
  store?: StateStore;
  /** Where each request's ledger entry goes; none when absent (subscribe to `events` instead). */
  ledger?: Ledger;
  /** Pluggable pipeline stages (authenticate, admit, cache). */
  stages?: Partial<PipelineStages>;
  now?: () => number;
  random?: () => number;
  /** The learned quality model for auto-routing; none when absent. */
  predictor?: QualityPredictor;
}

/** Per-call settings. */
export interface CallOptions {
  /** Aborts the call and every upstream attempt it has in flight. */
  signal?: AbortSignal;
  /** Names the request in the ledger and events; a time-ordered id when absent. */
  requestId?: string;
  hints?: RoutingHints;
  /** For the authenticate stage, when one is configured. */
  credential?: string;
  /** What the ledger row names as the way in (default `library`; the MCP server says `mcp`). */
  ingress?: Extract<Ingress, 'library' | 'mcp'>;
}

export interface Router {
  chat(request: Omit<ChatRequest, 'stream'>, options?: CallOptions): Promise<{ response: ChatResponse; outcome: Outcome }>;
  /** A streamed chat: canonical events as they arrive; a stream that breaks throws its error from the iterator. */
  stream(request: Omit<ChatRequest, 'stream'>, options?: CallOptions): AsyncIterable<StreamEvent>;
  embeddings(request: EmbeddingRequest, options?: CallOptions): Promise<{ response: EmbeddingResponse; outcome: Outcome }>;
  /** Text to speech on a route of speech deployments: the audio and how it was routed. */
  speech(request: SpeechRequest, options?: CallOptions): Promise<{ response: SpeechResponse; outcome: Outcome }>;
  /** Decision preview, health and routes: the same operations the HTTP API serves. */
  operations: Operations;
  /** Auto-routing feedback (`feedback(requestId, score)`) and what it taught; kept in memory for the router's life. */
  learning: LearningOperations;
  /** Lifecycle events: request-end (with its ledger entry), attempt-end, breaker-change. */
  events: GatewayEvents;
  /** Closes upstream connections and the store (not a store or ledger passed in). */
  close(): Promise<void>;
}

/**
 * Builds a router from a config: the same shape as `junction.yaml` as a plain object (validated
 * here; a mistake throws a ConfigError naming the path), or a config already validated.
 */
export function createRouter(config: JunctionConfig | Record<string, unknown>, options: RouterOptions = {}): Router {
  const validated = isValidated(config) ? config : configFromObject(config);
  const events = new GatewayEvents();
  const ownStore = options.store === undefined;
  const store = options.store ?? createMemoryStateStore({ policy: breakerPolicyFor(validated.catalog), onBreakerChange: announceBreakerChanges(events) });
  const autoRouting = inMemoryAutoRouting({ now: options.now ?? Date.now, predictor: options.predictor });
  const adaptive = new AdaptiveRouting({ catalog: () => services.catalog, now: options.now ?? Date.now });
  const services = createServices({
    catalog: validated.catalog,
    store,
    events,
    auto: autoRouting.knowledge,
    adaptive: adaptive.knowledge,
    ...(options.now ? { now: options.now } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  // Routes with a `cache` section are cached in this process's memory (the library loads no Redis client).
  const cache: ResponseCache = options.stages?.cache ?? memoryResponseCache(validated, services.now, (question, policy, exchange) => embedQuestion(pipeline, question, policy, exchange));
  const pipeline: Pipeline = new Pipeline(services, { requestTimeoutMs: validated.server.requestTimeoutMs, stages: { ...options.stages, cache } });
  const { ledger } = options;
  events.subscribe((event) => {
    if (event.type !== 'request-end') return;
    ledger?.record(event.entry);
    learnFromRequest(autoRouting, event.entry);
  });
  events.subscribe(feedAdaptiveRouting(adaptive));

  return {
    async chat(request, callOptions) {
      return withContext(callOptions, (context) => pipeline.chat({ ...request, stream: false }, context));
    },
    stream(request, callOptions) {
      // A reader that stops early cancels the request like a caller who hangs up.
      const abandoned = new AbortController();
      const signal = callOptions?.signal ? AbortSignal.any([callOptions.signal, abandoned.signal]) : abandoned.signal;
      const stream = new EventStream(() => abandoned.abort());
      void withContext({ ...callOptions, signal }, (context) => pipeline.chatStream({ ...request, stream: true }, context, stream)).then(
        () => stream.end(),
        (error: unknown) => stream.fail(error),
      );
      return stream;
    },
    async embeddings(request, callOptions) {
      return withContext(callOptions, (context) => pipeline.embeddings(request, context));
    },
    async speech(request, callOptions) {
      return withContext(callOptions, (context) => pipeline.speech(request, context));
    },
    operations: createOperations(pipeline),
    learning: withAdaptiveFeedback(createLearningOperations(autoRouting), adaptive),
    events,
    async close() {
      await pipeline.drain();
      await services.client.close();
      if (ownStore) await store.close();
    },
  };
}

/** Runs `call` with a request context tied to the caller's signal. */
async function withContext<T>(options: CallOptions | undefined, call: (context: RequestContext) => Promise<T>): Promise<T> {
  const cancel = new Cancel();
  const signal = options?.signal;
  const onAbort = () => cancel.abort('client');
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const context: RequestContext = { requestId: options?.requestId ?? timeOrderedId(), ingress: options?.ingress ?? 'library', cancel };
  if (options?.hints) context.hints = options.hints;
  if (options?.credential !== undefined) context.credential = options.credential;
  try {
    return await call(context);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function isValidated(config: JunctionConfig | Record<string, unknown>): config is JunctionConfig {
  const catalog = (config as { catalog?: { routes?: unknown } }).catalog;
  return catalog?.routes instanceof Map;
}

/** The response cache in memory, sized by the config's `cache` section. */
function memoryResponseCache(config: JunctionConfig, now: () => number, embed: SemanticCache['embed']): ResponseCache {
  const settings = config.cache;
  return createResponseCache({
    store: new MemoryCacheStore({ maxBytes: settings.maxBytes, now }),
    stats: new CacheStats(),
    now,
    maxEntryBytes: settings.maxEntryBytes,
    semantic: { index: new SemanticIndex(settings.semanticMaxEntries, now), embed },
  });
}
