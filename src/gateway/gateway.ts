/**
 * The request pipeline: resolve the route, plan the attempts, execute them through the
 * adapters, and account for the request whatever happens. Ingress-agnostic: HTTP handlers
 * decode the caller's format into canonical requests and encode what comes back.
 */
import { JunctionError, toJunctionError } from '../core/errors';
import type { Catalog, Route } from '../core/model';
import { chatNeeds, embeddingNeeds } from '../core/needs';
import { planRoute, type AttemptPlan } from '../core/plan';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, IngressFormat } from '../core/types';
import type { Ledger } from '../ledger/types';
import { adapterFor as defaultAdapterFor } from '../providers';
import type { ProviderAdapter } from '../providers/types';
import { GatewayEvents } from './events';
import { executePlan } from './executor';
import { RequestRecord } from './request-record';
import { runStreamAttempt, type StreamSink } from './stream-attempt';
import { readJson } from './read-body';
import { UpstreamClient } from './upstream-client';

export interface RequestContext {
  requestId: string;
  ingress: IngressFormat;
  /** Aborts when the caller disconnects. */
  signal: AbortSignal;
  principal?: string;
}

export interface GatewayOptions {
  catalog: Catalog;
  ledger: Ledger;
  /** One deadline over all attempts of a request. */
  requestTimeoutMs: number;
  adapterFor?: (provider: import('../core/model').Provider) => ProviderAdapter;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** What the HTTP layer needs to know to write headers. */
export interface Outcome {
  route: string;
  deployment?: string;
  attempts: number;
  costUsd?: number;
}

export class Gateway {
  readonly events = new GatewayEvents();
  private readonly client = new UpstreamClient();
  private readonly adapterFor: (provider: import('../core/model').Provider) => ProviderAdapter;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly options: GatewayOptions) {
    this.adapterFor = options.adapterFor ?? defaultAdapterFor;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
    this.events.subscribe((event) => {
      if (event.type === 'request-end') options.ledger.record(event.entry);
    });
  }

  get catalog(): Catalog {
    return this.options.catalog;
  }

  /** A non-streamed chat completion. */
  async chat(request: ChatRequest, context: RequestContext): Promise<{ response: ChatResponse; outcome: Outcome }> {
    return this.run(request.model, 'chat', false, context, async (route, record, signal) => {
      const plan = planRoute(route, this.catalog, chatNeeds(request));
      record.decisionReason = plan.reason;
      const response = await executePlan({
        ...this.executeBase(plan, route, record, signal),
        attempt: async ({ candidate, signal: attemptSignal, reportUsage }) => {
          const target = { provider: candidate.provider, deployment: candidate.deployment };
          const adapter = this.adapterFor(candidate.provider);
          const upstream = await this.client.send(candidate.provider, adapter.chatRequest(request, target), attemptSignal);
          const body = await readJson(upstream, adapter, candidate.provider);
          const parsed = adapter.parseChatResponse(body, target);
          reportUsage(parsed.usage);
          return parsed;
        },
      });
      record.usage = response.usage;
      record.finishReason = response.finishReason;
      record.markFirstByte();
      return response;
    }).then(({ value, outcome }) => ({ response: value, outcome }));
  }

  /**
   * A streamed chat completion. Failures before the sink has begun fall back to the next
   * deployment; after that, the sink is told to fail so the caller sees an explicit error.
   */
  async chatStream(request: ChatRequest, context: RequestContext, sink: StreamSink): Promise<Outcome> {
    const { outcome } = await this.run(request.model, 'chat', true, context, async (route, record, signal) => {
      const needs = chatNeeds(request);
      const plan = planRoute(route, this.catalog, needs);
      record.decisionReason = plan.reason;
      await executePlan({
        ...this.executeBase(plan, route, record, signal),
        canFallBack: () => !sink.begun,
        attempt: (attempt) =>
          runStreamAttempt({
            request,
            attempt,
            client: this.client,
            adapter: this.adapterFor(attempt.candidate.provider),
            record,
            sink,
            estimatedInputTokens: needs.estimatedInputTokens,
          }),
      });
    });
    return outcome;
  }

  async embeddings(request: EmbeddingRequest, context: RequestContext): Promise<{ response: EmbeddingResponse; outcome: Outcome }> {
    return this.run(request.model, 'embeddings', false, context, async (route, record, signal) => {
      const plan = planRoute(route, this.catalog, embeddingNeeds(request));
      record.decisionReason = plan.reason;
      const response = await executePlan({
        ...this.executeBase(plan, route, record, signal),
        attempt: async ({ candidate, signal: attemptSignal, reportUsage }) => {
          const target = { provider: candidate.provider, deployment: candidate.deployment };
          const adapter = this.adapterFor(candidate.provider);
          if (!adapter.embeddingRequest || !adapter.parseEmbeddingResponse) {
            throw new JunctionError('capability_unsupported', `provider kind ${candidate.provider.kind} has no embeddings API`);
          }
          const upstream = await this.client.send(candidate.provider, adapter.embeddingRequest(request, target), attemptSignal);
          const parsed = adapter.parseEmbeddingResponse(await readJson(upstream, adapter, candidate.provider), target, request);
          reportUsage(parsed.usage);
          return parsed;
        },
      });
      record.usage = response.usage;
      return response;
    }).then(({ value, outcome }) => ({ response: value, outcome }));
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

  /** Dry run: the plan the gateway would follow for this request, calling no upstream. */
  plan(request: ChatRequest): AttemptPlan {
    return planRoute(this.resolve(request.model), this.catalog, chatNeeds(request));
  }

  resolve(model: string): Route {
    const route = this.catalog.routes.get(model);
    if (route === undefined) {
      const known = [...this.catalog.routes.keys()].join(', ');
      throw new JunctionError('route_not_found', `The model '${model}' does not exist; this gateway serves: ${known}`, { param: 'model' });
    }
    return route;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private executeBase(plan: AttemptPlan, route: Route, record: RequestRecord, signal: AbortSignal) {
    return { plan, retries: route.retries, record, events: this.events, signal, now: this.now, sleep: this.sleep };
  }

  /** Wraps one request: deadline, bookkeeping, and exactly one ledger entry however it ends. */
  private async run<T>(
    model: string,
    endpoint: 'chat' | 'embeddings',
    stream: boolean,
    context: RequestContext,
    body: (route: Route, record: RequestRecord, signal: AbortSignal) => Promise<T>,
  ): Promise<{ value: T; outcome: Outcome }> {
    const record = new RequestRecord(
      { requestId: context.requestId, route: model, ingress: context.ingress, endpoint, stream, principal: context.principal, startedAt: this.now() },
      this.now,
    );
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort('deadline'), this.options.requestTimeoutMs);
    const signal = AbortSignal.any([context.signal, deadline.signal]);
    try {
      const value = await body(this.resolve(model), record, signal);
      this.events.emit({ type: 'request-end', entry: record.finish(200) });
      return { value, outcome: outcomeOf(record) };
    } catch (thrown) {
      const error = context.signal.aborted ? new JunctionError('client_closed', 'the client closed the connection', { cause: thrown }) : toJunctionError(thrown);
      this.events.emit({ type: 'request-end', entry: record.finish(error.status, error), error });
      throw Object.assign(error, { outcome: outcomeOf(record) });
    } finally {
      clearTimeout(timer);
    }
  }
}

function outcomeOf(record: RequestRecord): Outcome {
  const costUsd = record.attempts.reduce((total, attempt) => total + attempt.costUsd, 0);
  return { route: record.start.route, deployment: record.deployment, attempts: record.attempts.length, costUsd };
}

/** The outcome attached to an error thrown by the gateway, for response headers. */
export function outcomeOfError(error: unknown): Outcome | undefined {
  return (error as { outcome?: Outcome }).outcome;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
