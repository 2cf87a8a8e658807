/**
 * The request pipeline: resolve the route, plan the attempts from live health, execute them
 * through the adapters, fall back through the tiers, and account for the request whatever
 * happens. Ingress-agnostic: HTTP handlers decode the caller's format into canonical requests
 * and encode what comes back.
 */
import { JunctionError, toJunctionError } from '../core/errors';
import type { StateSettings } from '../config/types';
import type { Catalog, Provider, Route } from '../core/model';
import { chatNeeds, embeddingNeeds, type RequestNeeds } from '../core/needs';
import { planRoute, type AttemptPlan } from '../core/plan';
import { RetryBudget } from '../core/retry-budget';
import { newRouteStrategyState, type RouteStrategyState } from '../core/strategies/types';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, IngressFormat, Usage } from '../core/types';
import type { Ledger } from '../ledger/types';
import { adapterFor as defaultAdapterFor } from '../providers';
import type { ProviderAdapter, UpstreamRequest, UpstreamTarget, WireFormat } from '../providers/types';
import { createStateStore } from '../state';
import type { StateStore } from '../state/types';
import { GatewayEvents } from './events';
import { Cancel } from './cancel';
import { executePlan, type AttemptContext, type ExecuteOptions, type ExecuteResult } from './executor';
import { exhaustedError, isExhausted, lastResortAnswer, wantsLastResort } from './last-resort';
import { parseJsonAnswer } from './read-body';
import { RequestRecord } from './request-record';
import { overridesFor, strategyRequest, type RoutingHints } from './routing-hints';
import { StaleCache } from './stale-cache';
import { streamChat } from './chat-stream';
import type { StreamSink } from './stream-attempt';
import { timeouts, type Timeout } from './timeouts';
import { UpstreamClient, type AbortCause } from './upstream-client';

export interface RequestContext {
  requestId: string;
  ingress: IngressFormat;
  /** Cancelled when the caller disconnects. */
  cancel: Cancel;
  principal?: string;
  hints?: RoutingHints;
}

export interface GatewayOptions {
  catalog: Catalog;
  ledger: Ledger;
  /** One deadline over all attempts of a request, unless the route sets its own. */
  requestTimeoutMs: number;
  /** Where health and breaker state live when no `store` is given (memory by default). */
  state?: StateSettings;
  /** Told when shared state cannot be reached; routing goes on from the local view. */
  onStateError?: (error: Error) => void;
  store?: StateStore;
  adapterFor?: (provider: Provider) => ProviderAdapter;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, cancel: Cancel) => Promise<void>;
}

/**
 * The upstream's own answer, for a caller that speaks the same wire format: the HTTP layer may
 * forward these bytes instead of encoding the canonical response again.
 */
export interface RawAnswer {
  format: WireFormat;
  /** The answer's JSON text. */
  body: string;
}

/** What the HTTP layer needs to know to write headers. */
export interface Outcome {
  route: string;
  strategy?: string;
  deployment?: string;
  attempts: number;
  costUsd?: number;
  /** The tier that answered when not the primary. */
  tier?: string;
  hedge?: string;
  variant?: string;
}

/** Per-route mutable routing state. */
interface RouteRuntime {
  strategyState: RouteStrategyState;
  budget: RetryBudget;
  smallestWindow: number;
}

export class Gateway {
  readonly events = new GatewayEvents();
  readonly store: StateStore;
  readonly client = new UpstreamClient();
  readonly adapterFor: (provider: Provider) => ProviderAdapter;
  readonly now: () => number;
  readonly random: () => number;
  readonly staleCache = new StaleCache();
  private readonly sleep: (ms: number, cancel: Cancel) => Promise<void>;
  private readonly runtimes = new Map<string, RouteRuntime>();

  constructor(private readonly options: GatewayOptions) {
    this.adapterFor = options.adapterFor ?? defaultAdapterFor;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? abortableSleep;
    this.store =
      options.store ??
      createStateStore(options.state ?? { kind: 'memory' }, {
        policy: breakerPolicies(options.catalog),
        onBreakerChange: (change) =>
          this.events.emit({ type: 'breaker-change', deployment: change.deployment, from: change.from.status, to: change.to.status, at: change.at }),
        ...(options.onStateError === undefined ? {} : { onError: options.onStateError }),
      });
    this.events.subscribe((event) => {
      if (event.type === 'request-end') options.ledger.record(event.entry);
    });
  }

  get catalog(): Catalog {
    return this.options.catalog;
  }

  /** A non-streamed chat completion. */
  async chat(request: ChatRequest, context: RequestContext): Promise<{ response: ChatResponse; outcome: Outcome; raw?: RawAnswer }> {
    let raw: RawAnswer | undefined;
    const { value, outcome } = await this.run(request.model, 'chat', false, context, async (route, record, cancel) => {
      const { plan } = this.planChat(route, request, context, record);
      const cacheKey = route.staleCache ? StaleCache.key(route.name, request) : undefined;
      try {
        const result = await executePlan(
          this.executeOptions(plan, route, record, cancel, (attempt) =>
            this.exchange(
              attempt,
              (adapter, target) => adapter.chatRequest(request, target),
              (adapter, json, target) => adapter.parseChatResponse(json, target),
              (answer) => (raw = answer),
            ),
          ),
        );
        this.noteResult(record, result);
        if (cacheKey) this.staleCache.store(cacheKey, result.value, this.now());
        record.usage = result.value.usage;
        record.finishReason = result.value.finishReason;
        record.markFirstByte();
        return result.value;
      } catch (error) {
        const answer = wantsLastResort(error) && !context.cancel.aborted ? lastResortAnswer(route, this.staleCache, cacheKey, this.now()) : undefined;
        if (!answer) throw isExhausted(error) ? exhaustedError(route, error) : error;
        record.fallbackTier = answer.tier;
        record.finishReason = answer.response.finishReason;
        record.markFirstByte();
        raw = undefined;
        return answer.response;
      }
    });
    return raw ? { response: value, outcome, raw } : { response: value, outcome };
  }

  async embeddings(request: EmbeddingRequest, context: RequestContext): Promise<{ response: EmbeddingResponse; outcome: Outcome }> {
    const { value, outcome } = await this.run(request.model, 'embeddings', false, context, async (route, record, cancel) => {
      const plan = this.plan(route, embeddingNeeds(request), context, record, request.user);
      try {
        const result = await executePlan(
          this.executeOptions(plan, route, record, cancel, (attempt) =>
            this.exchange(
              attempt,
              (adapter, target) => {
                if (!adapter.embeddingRequest || !adapter.parseEmbeddingResponse) {
                  throw new JunctionError('capability_unsupported', `provider kind ${target.provider.kind} has no embeddings API`);
                }
                return adapter.embeddingRequest(request, target);
              },
              (adapter, json, target) => adapter.parseEmbeddingResponse!(json, target, request),
            ),
          ),
        );
        this.noteResult(record, result);
        record.usage = result.value.usage;
        return result.value;
      } catch (error) {
        throw isExhausted(error) ? exhaustedError(route, error) : error;
      }
    });
    return { response: value, outcome };
  }

  /**
   * A streamed chat completion. Failures before the first byte fall back transparently; after
   * it, the route either resumes on another deployment or the sink ends with an error event.
   */
  chatStream(request: ChatRequest, context: RequestContext, sink: StreamSink): Promise<Outcome> {
    return streamChat(this, request, context, sink);
  }

  /**
   * One whole-answer attempt: build the upstream request, send it, parse the answer, report its
   * usage, and claim the response (false means a hedged twin already answered). The winner's
   * answer as it came goes to `keepRaw`.
   */
  private async exchange<T extends { usage: Usage }>(
    attempt: AttemptContext,
    build: (adapter: ProviderAdapter, target: UpstreamTarget) => UpstreamRequest,
    parse: (adapter: ProviderAdapter, json: unknown, target: UpstreamTarget) => T,
    keepRaw?: (raw: RawAnswer) => void,
  ): Promise<T> {
    const { candidate } = attempt;
    const target = { provider: candidate.provider, deployment: candidate.deployment };
    const adapter = this.adapterFor(candidate.provider);
    const upstream = await this.client.sendBuffered(candidate.provider, build(adapter, target), attempt.cancel);
    const { json, text } = parseJsonAnswer(upstream, adapter, candidate.provider);
    const value = parse(adapter, json, target);
    attempt.reportUsage(value.usage);
    if (!attempt.claim()) throw new JunctionError('attempt_cancelled', 'another hedged attempt answered first');
    keepRaw?.({ format: adapter.format, body: text });
    return value;
  }

  /** Dry run: the plan the gateway would follow for this request, calling no upstream and changing no state. */
  preview(request: ChatRequest, hints?: RoutingHints): AttemptPlan {
    const route = this.resolve(request.model);
    const runtime = this.runtime(route);
    const needs = chatNeeds(request, runtime.smallestWindow);
    const state: RouteStrategyState = { currentWeights: new Map(runtime.strategyState.currentWeights) };
    const now = this.now();
    return planRoute({
      route,
      catalog: this.catalog,
      needs,
      health: (id) => this.store.snapshot(id, now),
      request: strategyRequest(needs.estimatedInputTokens, needs.maxOutputTokens, hints, request.user),
      state,
      random: this.random,
      now,
      overrides: overridesFor(route, hints),
    });
  }

  resolve(model: string): Route {
    const route = this.catalog.routes.get(model);
    if (route === undefined) {
      const known = [...this.catalog.routes.keys()].join(', ');
      throw new JunctionError('model_not_found', `The model '${model}' does not exist; this gateway serves: ${known}`, { param: 'model' });
    }
    return route;
  }

  /**
   * Account for a request refused before it reached routing (malformed body, shutting down),
   * so the ledger holds every request, not just the well-formed ones.
   */
  recordRejected(context: RequestContext, endpoint: 'chat' | 'embeddings', route: string, error: JunctionError): void {
    const record = new RequestRecord(
      { requestId: context.requestId, route, ingress: context.ingress, endpoint, stream: false, principal: context.principal, startedAt: this.now() },
      this.now,
    );
    this.events.emit({ type: 'request-end', entry: record.finish(error.status, error), error });
  }

  async close(): Promise<void> {
    await this.client.close();
    await this.store.close();
  }

  /** Plan a chat request, counting tokens exactly when the prompt nears a context window. */
  planChat(route: Route, request: ChatRequest, context: RequestContext, record: RequestRecord): { plan: AttemptPlan; needs: RequestNeeds } {
    const needs = chatNeeds(request, this.runtime(route).smallestWindow);
    return { plan: this.plan(route, needs, context, record, request.user), needs };
  }

  executeOptions<T>(
    plan: AttemptPlan,
    route: Route,
    record: RequestRecord,
    cancel: Cancel,
    attempt: ExecuteOptions<T>['attempt'],
    canFallBack?: () => boolean,
  ): ExecuteOptions<T> {
    const budget = this.runtime(route).budget;
    return { plan, route, record, events: this.events, store: this.store, budget, cancel, now: this.now, random: this.random, sleep: this.sleep, attempt, canFallBack };
  }

  noteResult(record: RequestRecord, result: ExecuteResult<unknown>): void {
    if (result.candidate.tier !== 'primary') record.fallbackTier = result.candidate.tier;
    if (result.hedge !== 'none') record.hedge = result.hedge;
  }

  private plan(route: Route, needs: RequestNeeds, context: RequestContext, record: RequestRecord, user: string | undefined): AttemptPlan {
    const runtime = this.runtime(route);
    runtime.budget.deposit();
    // One instant for the whole plan: every deployment is judged at the same time.
    const now = this.now();
    const plan = planRoute({
      route,
      catalog: this.catalog,
      needs,
      health: (id) => this.store.snapshot(id, now),
      request: strategyRequest(needs.estimatedInputTokens, needs.maxOutputTokens, context.hints, user),
      state: runtime.strategyState,
      random: this.random,
      now,
      overrides: overridesFor(route, context.hints),
    });
    record.decisionReason = plan.reason;
    record.strategy = plan.strategy;
    if (plan.variant) record.variant = plan.variant;
    return plan;
  }

  private runtime(route: Route): RouteRuntime {
    let runtime = this.runtimes.get(route.name);
    if (runtime === undefined) {
      const windows = route.tiers.flatMap((tier) => tier.deployments).map((id) => this.catalog.deployments.get(id)?.contextWindow ?? Infinity);
      runtime = { strategyState: newRouteStrategyState(), budget: new RetryBudget(route.retry.budgetRatio), smallestWindow: Math.min(...windows) };
      this.runtimes.set(route.name, runtime);
    }
    return runtime;
  }

  /** Wraps one request: deadline, bookkeeping, and exactly one ledger entry however it ends. */
  async run<T>(
    model: string,
    endpoint: 'chat' | 'embeddings',
    stream: boolean,
    context: RequestContext,
    body: (route: Route, record: RequestRecord, cancel: Cancel) => Promise<T>,
  ): Promise<{ value: T; outcome: Outcome }> {
    const record = new RequestRecord(
      { requestId: context.requestId, route: model, ingress: context.ingress, endpoint, stream, principal: context.principal, startedAt: this.now() },
      this.now,
    );
    const cancel = Cancel.child(context.cancel);
    let deadline: Timeout | undefined;
    try {
      const route = this.resolve(model);
      deadline = timeouts.start(route.timeoutMs ?? this.options.requestTimeoutMs, cancel, 'deadline' satisfies AbortCause);
      const value = await body(route, record, cancel);
      this.events.emit({ type: 'request-end', entry: record.finish(200), overheadMs: record.overheadMs() });
      return { value, outcome: outcomeOf(record) };
    } catch (thrown) {
      const error = context.cancel.aborted ? new JunctionError('client_closed', 'the client closed the connection', { cause: thrown }) : toJunctionError(thrown);
      // A stream that failed after its 200 went out was a 200 to the caller (with an error event);
      // a caller who left is a 499 whatever was sent.
      const status = stream && record.ttftMs !== undefined && error.code !== 'client_closed' ? 200 : error.status;
      this.events.emit({ type: 'request-end', entry: record.finish(status, error), error, overheadMs: record.overheadMs() });
      throw Object.assign(error, { outcome: outcomeOf(record) });
    } finally {
      deadline?.stop();
      cancel.dispose();
    }
  }
}

export function outcomeOf(record: RequestRecord): Outcome {
  let costUsd = 0;
  for (const attempt of record.attempts) costUsd += attempt.costUsd;
  const outcome: Outcome = { route: record.start.route, deployment: record.deployment, attempts: record.attempts.length, costUsd };
  if (record.strategy) outcome.strategy = record.strategy;
  if (record.fallbackTier) outcome.tier = record.fallbackTier;
  if (record.hedge) outcome.hedge = record.hedge;
  if (record.variant) outcome.variant = record.variant;
  return outcome;
}

/** The outcome attached to an error thrown by the gateway, for response headers. */
export function outcomeOfError(error: unknown): Outcome | undefined {
  return (error as { outcome?: Outcome }).outcome;
}

/** Each deployment's breaker follows the policy of the first route that lists it. */
function breakerPolicies(catalog: Catalog) {
  const byDeployment = new Map<string, Route['breaker']>();
  for (const route of catalog.routes.values()) {
    for (const tier of route.tiers) for (const id of tier.deployments) if (!byDeployment.has(id)) byDeployment.set(id, route.breaker);
  }
  const fallback = catalog.routes.values().next().value?.breaker;
  return (deployment: string) => byDeployment.get(deployment) ?? fallback!;
}

function abortableSleep(ms: number, cancel: Cancel): Promise<void> {
  return new Promise((resolve, reject) => {
    if (cancel.aborted) return reject(cancel.reason);
    const timer = setTimeout(() => {
      stopListening();
      resolve();
    }, ms);
    const stopListening = cancel.onAbort((reason) => {
      clearTimeout(timer);
      reject(reason);
    });
  });
}
