/**
 * The request pipeline. One request meets its stages in this order:
 *
 *   authenticate → route → admit → guard → cache → plan → execute → fallback → account
 *
 * This file is the order and nothing else: each stage lives in its own module (stages.ts for
 * the pluggable ones, planning.ts, execution/, fallback/, account.ts), and app.ts wires them.
 * Ingress-agnostic: the HTTP layer (and MCP, and the library) decode the caller's format into
 * canonical requests and encode what comes back.
 */
import type { SpeechRequest, SpeechResponse } from '../canonical/speech';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, EndpointKind } from '../canonical/types';
import { JunctionError, toJunctionError } from '../errors';
import type { Catalog, Route } from '../routing/catalog';
import { embeddingNeeds, chatNeeds, type RequestNeeds } from '../routing/needs';
import { responseToEvents } from '../canonical/response-events';
import { echoText } from '../wire/caller-text';
import { Accounting, outcomeOf, type Outcome } from './account';
import { answerChat } from './chat/chat';
import { streamChat } from './chat/chat-stream';
import type { StreamSink } from './chat/stream-sink';
import type { Exchange, RequestContext } from './context';
import { answerEmbeddings } from './embeddings';
import { answerSpeech, speechAdmissionNeeds } from './speech/speech';
import { Cancel } from './execution/cancel';
import type { RawAnswer } from './execution/exchange';
import { timeouts, type Timeout } from './execution/timeouts';
import type { AbortCause } from './execution/upstream-client';
import { isLastResort } from './fallback/last-resort';
import { StaleCache } from './fallback/stale-cache';
import { planExchange } from './planning';
import type { RequestRecord } from './request-record';
import { RouteRuntimes } from './route-runtime';
import type { GatewayServices } from './services';
import type { RouteRuntime } from './route-runtime';
import { openAccess, type Admission, type GuardSlot, type PipelineStages } from './stages';

export interface PipelineOptions {
  /** One deadline over all attempts of a request, unless the route sets its own. */
  requestTimeoutMs: number;
  /** The pluggable stages; open access and no admission or response cache when absent. */
  stages?: Partial<PipelineStages>;
}

/**
 * An exchange while its stages run: admission is settled and the route's slot released when it
 * ends; a budget downgrade changes its route.
 */
interface RunningExchange extends Exchange {
  route: Route;
  runtime: RouteRuntime;
  admission?: Admission;
  slot?: GuardSlot;
}

export class Pipeline {
  readonly runtimes: RouteRuntimes;
  /** The emergency tier's memory of recent good answers. */
  readonly staleCache = new StaleCache();
  private readonly accounting: Accounting;
  private readonly stages: PipelineStages;
  private readonly settling = new Set<Promise<void>>();

  constructor(
    readonly services: GatewayServices,
    private readonly options: PipelineOptions,
  ) {
    this.runtimes = new RouteRuntimes();
    this.accounting = new Accounting(services.events, services.now);
    this.stages = { authenticate: openAccess, ...options.stages };
  }

  /** A non-streamed chat completion; `raw` is the upstream's answer as it came, when it is the answer. */
  async chat(request: ChatRequest, context: RequestContext): Promise<{ response: ChatResponse; outcome: Outcome; raw?: RawAnswer }> {
    let raw: RawAnswer | undefined;
    const { value, outcome } = await this.run(request.model, 'chat', false, context, async (exchange) => {
      const admitted = this.admit(exchange, (runtime) => chatNeeds(request, runtime.smallestWindow));
      const needs = admitted instanceof Promise ? await admitted : admitted;
      const cached = this.stages.cache ? await this.lookup(exchange, request) : undefined;
      if (cached) return cached;
      const plan = planExchange(this.services, exchange, needs, request.user, request);
      const answer = await answerChat(this.services, this.staleCache, exchange, plan, needs, request);
      raw = answer.raw;
      if (!isLastResort(exchange.record.fallbackTier)) this.stages.cache?.store(exchange, request, answer.response);
      return answer.response;
    });
    return raw ? { response: value, outcome, raw } : { response: value, outcome };
  }

  /**
   * A streamed chat completion. Failures before the first byte fall back transparently; after
   * it, the route either resumes on another deployment or the sink ends with an error event.
   */
  async chatStream(request: ChatRequest, context: RequestContext, sink: StreamSink): Promise<Outcome> {
    const { outcome } = await this.run(request.model, 'chat', true, context, async (exchange) => {
      const admitted = this.admit(exchange, (runtime) => chatNeeds(request, runtime.smallestWindow));
      const needs = admitted instanceof Promise ? await admitted : admitted;
      const cached = this.stages.cache ? await this.lookup(exchange, request) : undefined;
      if (cached) {
        sink.begin({ deployment: 'cache', tier: 'cache', attempts: 0 });
        await sink.write(responseToEvents(cached));
        return;
      }
      const plan = planExchange(this.services, exchange, needs, request.user, request);
      const tracking = await streamChat(this.services, this.staleCache, exchange, plan, needs, request, sink);
      const response = tracking.assembled.response;
      // Only a stream that finished whole, from deployments, is worth keeping.
      if (response && !isLastResort(exchange.record.fallbackTier)) this.stages.cache?.store(exchange, request, response);
    });
    return outcome;
  }

  async embeddings(request: EmbeddingRequest, context: RequestContext): Promise<{ response: EmbeddingResponse; outcome: Outcome }> {
    const { value, outcome } = await this.run(request.model, 'embeddings', false, context, async (exchange) => {
      const admitted = this.admit(exchange, () => embeddingNeeds(request));
      const needs = admitted instanceof Promise ? await admitted : admitted;
      const plan = planExchange(this.services, exchange, needs, request.user);
      return answerEmbeddings(this.services, exchange, plan, needs, request);
    });
    return { response: value, outcome };
  }

  /** Text to speech: a phrase from the phrase cache, or audio from the route's speech plan. */
  async speech(request: SpeechRequest, context: RequestContext): Promise<{ response: SpeechResponse; outcome: Outcome }> {
    const { value, outcome } = await this.run(request.model, 'speech', false, context, async (exchange) => {
      const admitted = this.admit(exchange, () => speechAdmissionNeeds(request));
      const needs = admitted instanceof Promise ? await admitted : admitted;
      return answerSpeech(this.services, this.stages.phrases, exchange, needs, request);
    });
    return { response: value, outcome };
  }

  /** The route a model name names, or a 404 listing the routes there are. */
  resolve(model: string, catalog: Catalog = this.services.catalog): Route {
    const route = catalog.routes.get(model);
    if (route === undefined) {
      const known = [...catalog.routes.keys()].join(', ');
      throw new JunctionError('model_not_found', `The model '${echoText(model)}' does not exist; this gateway serves: ${known}`, { param: 'model' });
    }
    return route;
  }

  /** Account for a request refused before it reached the pipeline (malformed body, shutting down). */
  recordRejected(context: RequestContext, endpoint: EndpointKind, route: string, error: JunctionError): void {
    this.accounting.rejected(context, endpoint, route, error);
  }

  /**
   * One request from end to end, around `body` (admit, cache, plan, execute, fallback): its
   * caller authenticated, its route resolved, one deadline over everything, and exactly one
   * ledger entry however it ends.
   */
  private async run<T>(model: string, endpoint: EndpointKind, stream: boolean, context: RequestContext, body: (exchange: RunningExchange) => Promise<T>): Promise<{ value: T; outcome: Outcome }> {
    const record = this.accounting.begin(context, endpoint, stream, model);
    const cancel = Cancel.child(context.cancel);
    let deadline: Timeout | undefined;
    let exchange: RunningExchange | undefined;
    try {
      // Stages that decide from memory answer at once: no promise, no extra turn of the event loop.
      const who = context.principal ?? this.stages.authenticate(context);
      const principal = who instanceof Promise ? await who : who;
      if (principal) {
        record.start.principal = principal.id;
        if (principal.team !== undefined) record.start.team = principal.team;
      }
      // The catalog as it is now: a reload swaps in another, and this request finishes on this one.
      const catalog = this.services.catalog;
      const route = this.resolve(model, catalog);
      const timeoutMs = route.timeoutMs ?? this.options.requestTimeoutMs;
      deadline = timeouts.start(timeoutMs, cancel, 'deadline' satisfies AbortCause);
      exchange = { context, record, catalog, route, runtime: this.runtimes.of(route, catalog), cancel, deadline: record.start.startedAt + timeoutMs, principal };
      const value = await body(exchange);
      this.account(record, 200, undefined, exchange.admission);
      return { value, outcome: outcomeOf(record) };
    } catch (thrown) {
      const error = context.cancel.aborted ? new JunctionError('client_closed', 'the client closed the connection', { cause: thrown }) : toJunctionError(thrown);
      // A stream that failed after its 200 went out was a 200 to the caller (with an error event);
      // a caller who left is a 499 whatever was sent.
      const status = stream && record.ttftMs !== undefined && error.code !== 'client_closed' ? 200 : error.status;
      this.account(record, status, error, exchange?.admission);
      throw Object.assign(error, { outcome: outcomeOf(record) });
    } finally {
      exchange?.slot?.release();
      deadline?.stop();
      cancel.dispose();
    }
  }

  /** Every request's ledger entries still waiting on attempts that outlived their request has settled. */
  async drain(): Promise<void> {
    while (this.settling.size > 0) await Promise.all(this.settling);
  }

  /** The account stage; a request with attempts still running is accounted for once they have settled. */
  private account(record: RequestRecord, status: number, error: JunctionError | undefined, admission: Admission | undefined): void {
    if (record.pending === undefined) return this.accounting.end(record, status, error, admission);
    record.markAnswered();
    const settling: Promise<void> = Promise.allSettled(record.pending).then(() => {
      this.settling.delete(settling);
      this.accounting.end(record, status, error, admission);
    });
    this.settling.add(settling);
  }

  /**
   * The admit and guard stages: the request's needs (computed on the route it will be served
   * from), once its limits and budgets have admitted it and its route has a slot for it. A
   * budget refusal on a route with `downgradeTo` is served from that route instead, if it
   * admits the request there; one hop only. A promise only when a stage answers later (a shared
   * store, a queue): admission from memory takes no turn of the event loop.
   */
  private admit(exchange: RunningExchange, needsOf: (runtime: RouteRuntime) => RequestNeeds): RequestNeeds | Promise<RequestNeeds> {
    const { admit } = this.stages;
    const needs = needsOf(exchange.runtime);
    if (admit !== undefined) {
      let decided: ReturnType<typeof admit>;
      try {
        decided = admit(exchange, needs);
      } catch (refusal) {
        return this.downgradeOrRefuse(exchange, needsOf, refusal);
      }
      if (decided instanceof Promise) {
        return decided.then(
          (admission) => {
            exchange.admission = admission;
            return this.enter(exchange, needs);
          },
          (refusal: unknown) => this.downgradeOrRefuse(exchange, needsOf, refusal),
        );
      }
      exchange.admission = decided;
    }
    return this.enter(exchange, needs);
  }

  /** The guard stage's slot on the exchange's route, when the route has a concurrency limit. */
  private enter(exchange: RunningExchange, needs: RequestNeeds): RequestNeeds | Promise<RequestNeeds> {
    const slot = this.stages.guards?.enter(exchange);
    if (!(slot instanceof Promise)) {
      exchange.slot = slot;
      return needs;
    }
    return slot.then((held) => {
      exchange.slot = held;
      return needs;
    });
  }

  /** After a refusal: admission on the route's `downgradeTo`, or the refusal itself. */
  private async downgradeOrRefuse(exchange: RunningExchange, needsOf: (runtime: RouteRuntime) => RequestNeeds, refusal: unknown): Promise<RequestNeeds> {
    const target = this.stages.guards?.downgradeTarget(exchange.route, toJunctionError(refusal));
    if (target === undefined) throw refusal;
    this.downgrade(exchange, this.resolve(target, exchange.catalog));
    const needs = needsOf(exchange.runtime);
    try {
      exchange.admission = await this.stages.admit!(exchange, needs);
    } catch {
      // The cheaper route could not take it either: the caller hears why its own route refused.
      throw refusal;
    }
    return this.enter(exchange, needs);
  }

  /** Serve the request from `cheaper`: the ledger names both routes, the answer says so in a header. */
  private downgrade(exchange: RunningExchange, cheaper: Route): void {
    const from = exchange.route.name;
    exchange.record.downgradedFrom = from;
    exchange.record.start.route = cheaper.name;
    exchange.route = cheaper;
    exchange.runtime = this.runtimes.of(cheaper, exchange.catalog);
    const headers = (exchange.context.responseHeaders ??= {});
    // The refusal's own advice no longer applies: the request is being served.
    delete headers['x-should-retry'];
    headers['x-junction-downgraded-from'] = from;
  }

  /** The cache stage (called only when there is one): a hit is the answer, with nothing paid for it. */
  private async lookup(exchange: RunningExchange, request: ChatRequest): Promise<ChatResponse | undefined> {
    const found = this.stages.cache!.lookup(exchange, request);
    const hit = found instanceof Promise ? await found : found;
    if (hit === undefined) return undefined;
    const { response } = hit;
    exchange.record.cacheHit = { kind: hit.kind, costSavedUsd: hit.costSavedUsd };
    exchange.record.model = response.model;
    exchange.record.usage = response.usage;
    exchange.record.finishReason = response.finishReason;
    exchange.record.markFirstByte();
    return response;
  }
}
