/**
 * The model endpoints' flow, shared by every wire format: receive → authenticate → parse →
 * draw the fault → wait the latency → answer (or fail the way the fault says).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelBehaviour } from '../config/simulator-behaviour';
import type { BehaviourStore } from './behaviour-store';
import { isRecord, truncateJson, WRONG_SHAPE_BODY } from './dialect';
import type { ChatDialect, EmbeddingDialect, RouteInfo } from './dialect';
import { embedVector } from './embedding';
import { Exchange } from './exchange';
import type { Sleep } from './exchange';
import { drawFault, retryAfterFor } from './faults';
import type { Fault } from './faults';
import { parseJson, readBody } from './http-io';
import { drawLatencyMs, frameGapMs } from './latency';
import { countPromptTokens, countTokens, planAnswer } from './reply';
import type { ReceivedLog, StatsRecorder } from './stats';

/** What the request handlers share: the simulator's state and its injected world. */
export interface SimulatorContext {
  readonly behaviours: BehaviourStore;
  readonly stats: StatsRecorder;
  readonly received: ReceivedLog;
  readonly random: () => number;
  readonly sleep: Sleep;
  readonly now: () => number;
  readonly apiKey: string | undefined;
  /** Sequence number for response and tool-call ids. */
  nextSerial(): number;
}

/** One HTTP request to a model endpoint, with where it arrived. */
export interface ModelRequest {
  request: IncomingMessage;
  response: ServerResponse;
  path: string;
  route: RouteInfo;
}

/** A chat request in any format: plain answer, stream, tool call or the drawn fault. */
export async function serveChat(context: SimulatorContext, dialect: ChatDialect, incoming: ModelRequest): Promise<void> {
  const exchange = new Exchange(incoming.request, incoming.response, context.stats);
  const body = await receive(context, dialect, exchange, incoming);
  if (body === undefined) return;
  const parsed = dialect.parseChat(body, incoming.route);
  if (!parsed.ok) return exchange.reject(400, dialect.errorBody(400, parsed.message, parsed.param));
  const call = parsed.value;
  exchange.identify(call.model);
  const behaviour = context.behaviours.resolve(call.model);
  const fault = drawFault(behaviour, context.random, call.stream);
  if (!(await survivesFault(context, dialect, exchange, behaviour, fault))) return;

  const inputTokens = countPromptTokens(call);
  if (behaviour.contextWindow !== undefined && inputTokens > behaviour.contextWindow) {
    const error = dialect.contextLengthError(inputTokens, behaviour.contextWindow);
    return exchange.reject(error.status, error.body);
  }
  const answer = planAnswer(call, behaviour, inputTokens, context.nextSerial(), context.now());
  if (!call.stream) {
    if (fault.kind === 'malformed-json') return exchange.corrupt(truncateJson(dialect.renderChat(answer)));
    if (fault.kind === 'wrong-shape') return exchange.corrupt(WRONG_SHAPE_BODY);
    return exchange.reply(dialect.renderChat(answer), answer.inputTokens, answer.outputTokens);
  }
  const contentType = dialect.streamContentType(call);
  if (fault.kind === 'malformed-json' || fault.kind === 'wrong-shape') {
    const frame = fault.kind === 'malformed-json' ? dialect.malformedStream(call) : dialect.wrongShapeStream(call);
    return exchange.stream({ contentType, frames: [frame], gapMs: 0, inputTokens: 0, outputTokens: 0 }, context.sleep, 'failed');
  }
  if (fault.kind === 'unfinished-stream') {
    const frames = dialect.streamFrames(answer, call, fault.at);
    const gapMs = frameGapMs(answer.outputTokens, frames.length, behaviour.tokensPerSecond);
    return exchange.stream({ contentType, frames, gapMs, inputTokens: 0, outputTokens: 0 }, context.sleep, 'failed');
  }
  const frames = dialect.streamFrames(answer, call);
  await exchange.stream(
    {
      contentType,
      frames,
      gapMs: frameGapMs(answer.outputTokens, frames.length, behaviour.tokensPerSecond),
      cutAfter: fault.kind === 'cut-stream' ? Math.max(1, Math.floor(frames.length / 2)) : undefined,
      inputTokens: answer.inputTokens,
      outputTokens: answer.outputTokens,
    },
    context.sleep,
  );
}

/** An embeddings request (OpenAI or Gemini): deterministic vectors, or the drawn fault. */
export async function serveEmbeddings(context: SimulatorContext, dialect: EmbeddingDialect, incoming: ModelRequest): Promise<void> {
  const exchange = new Exchange(incoming.request, incoming.response, context.stats);
  const body = await receive(context, dialect, exchange, incoming);
  if (body === undefined) return;
  const parsed = dialect.parseEmbed(body, incoming.route);
  if (!parsed.ok) return exchange.reject(400, dialect.errorBody(400, parsed.message, parsed.param));
  const call = parsed.value;
  exchange.identify(call.model);
  const behaviour = context.behaviours.resolve(call.model);
  const fault = drawFault(behaviour, context.random, false);
  if (!(await survivesFault(context, dialect, exchange, behaviour, fault))) return;

  let inputTokens = 0;
  for (const input of call.inputs) inputTokens += input.tokenCount ?? countTokens(input.text);
  const vectors = call.inputs.map((input) => embedVector(input.text, input.dimensions));
  const rendered = dialect.renderEmbed(call, vectors, inputTokens);
  if (fault.kind === 'malformed-json') return exchange.corrupt(truncateJson(rendered));
  if (fault.kind === 'wrong-shape') return exchange.corrupt(WRONG_SHAPE_BODY);
  exchange.reply(rendered, inputTokens, 0);
}

/**
 * Read and check the request: the parsed body, or undefined when the exchange is already over
 * (client gone, 401, invalid JSON). Every JSON body is logged, authorised or not, since tests
 * use the log to see what the gateway sent.
 */
export async function receive(context: SimulatorContext, dialect: ChatDialect, exchange: Exchange, incoming: ModelRequest): Promise<unknown> {
  let text: string;
  try {
    text = await readBody(incoming.request);
  } catch {
    return undefined;
  }
  const json = parseJson(text);
  const model = incoming.route.model ?? (json.ok && isRecord(json.value) && typeof json.value.model === 'string' ? json.value.model : undefined);
  if (model !== undefined) exchange.identify(model);
  context.received.add({
    format: dialect.format,
    path: incoming.path,
    model: model ?? '',
    body: json.ok ? json.value : text,
    headers: incoming.request.headers,
  });
  if (context.apiKey !== undefined && !dialect.authorised(incoming.request.headers, incoming.route, context.apiKey)) {
    exchange.reject(401, dialect.errorBody(401));
    return undefined;
  }
  if (!json.ok) {
    exchange.reject(400, dialect.errorBody(400, 'We could not parse the JSON body of your request.'));
    return undefined;
  }
  return json.value;
}

/**
 * Play the faults that pre-empt an answer, and the latency before it; true when the request
 * should still be answered. A down model and a reset answer at once; a hang never answers.
 */
export async function survivesFault(context: SimulatorContext, dialect: ChatDialect, exchange: Exchange, behaviour: ModelBehaviour, fault: Fault): Promise<boolean> {
  switch (fault.kind) {
    case 'down':
      exchange.reject(503, dialect.errorBody(503), retryAfterFor(503, behaviour));
      return false;
    case 'hang':
      // Leave the request open: the response's close handler counts it when the client gives up.
      return false;
    case 'reset':
      exchange.drop();
      return false;
  }
  if (!(await exchange.pause(drawLatencyMs(behaviour.latencyMs, context.random), context.sleep))) return false;
  if (fault.kind === 'status') {
    exchange.reject(fault.status, dialect.errorBody(fault.status), retryAfterFor(fault.status, behaviour));
    return false;
  }
  return true;
}
