/**
 * The simulated upstream: one plain node:http server speaking OpenAI, Anthropic and Gemini on
 * one port (their paths do not collide), plus the control API. Plain node:http because
 * benchmarks use it as the trivial upstream, and a framework's per-request work would show.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicDialect } from './anthropic-format';
import type { ModelBehaviour } from '../config/simulator-behaviour';
import { BehaviourStore } from './behaviour-store';
import { serveControl } from './control-api';
import type { Sleep } from './exchange';
import { geminiDialect } from './gemini-format';
import { sleepUnlessAborted } from './http-io';
import { openaiDialect, renderModelList } from './openai-format';
import { serveChat, serveEmbeddings } from './serve-model';
import { serveSpeech } from './serve-speech';
import type { SimulatorContext } from './serve-model';
import { ReceivedLog, StatsRecorder } from './stats';
import type { ReceivedRequest, SimulatorStats } from './stats';

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Behaviours by model name; a `default` entry is used when `defaults` is absent. */
  models?: Record<string, ModelBehaviour>;
  /** Behaviour of every model without its own. */
  defaults?: ModelBehaviour;
  /** Injected randomness (faults, latency) for deterministic runs; default Math.random. */
  random?: () => number;
  /** Injected wait used for latency and stream pacing; default a timer. */
  sleep?: Sleep;
  /**
   * Credentials to require: when set, requests without a matching key get the format's 401
   * (OpenAI `Authorization: Bearer`, Anthropic `x-api-key`, Gemini `x-goog-api-key` or `?key=`).
   */
  apiKey?: string;
  /** How many requests `received()` keeps (default 100). */
  receivedLimit?: number;
}

export interface Simulator {
  /** Base URL without a trailing slash or version prefix, e.g. `http://127.0.0.1:43123`. */
  url: string;
  port: number;
  setBehaviour(model: string, behaviour: ModelBehaviour): void;
  /** Shallow merge into the model's current behaviour; an undefined value removes the key. */
  patchBehaviour(model: string, patch: Partial<ModelBehaviour>): void;
  stats(): SimulatorStats;
  /** The last requests received (parsed JSON bodies), newest last, for asserting what an upstream saw. */
  received(): ReceivedRequest[];
  /** Behaviours, stats and the received log back to the start. */
  reset(): void;
  /** Closes idle and active connections (hung requests included). */
  close(): Promise<void>;
}

const GEMINI_PATH = /^\/v1beta\/models\/([^/]+):(generateContent|streamGenerateContent|batchEmbedContents)$/;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  let serial = 0;
  const context: SimulatorContext = {
    behaviours: new BehaviourStore(options.models, options.defaults),
    stats: new StatsRecorder(),
    received: new ReceivedLog(options.receivedLimit ?? 100),
    random: options.random ?? Math.random,
    sleep: options.sleep ?? sleepUnlessAborted,
    now: Date.now,
    apiKey: options.apiKey,
    nextSerial: () => ++serial,
  };
  const resetAll = (): void => {
    context.behaviours.reset();
    context.stats.reset();
    context.received.clear();
  };
  const server = createServer(function handleRequest(request, response) {
    dispatch(context, resetAll, request, response).catch((error: unknown) => failInternally(response, error));
  });
  const host = options.host ?? '127.0.0.1';
  await listen(server, options.port ?? 0, host);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    setBehaviour: (model, behaviour) => context.behaviours.set(model, behaviour),
    patchBehaviour: (model, patch) => {
      context.behaviours.patch(model, patch);
    },
    stats: () => context.stats.snapshot(),
    received: () => context.received.list(),
    reset: resetAll,
    close: async () => {
      await close(server);
      // Sockets are gone, but their responses' close handlers may not have run yet; wait for
      // them so the stats read after close() are final.
      await context.stats.whenIdle();
    },
  };
}

// Async so that anything thrown while routing (a malformed %-escape, say) becomes a rejection.
async function dispatch(context: SimulatorContext, resetAll: () => void, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt + 1);
  if (request.method === 'POST') {
    switch (path) {
      case '/v1/chat/completions':
        return serveChat(context, openaiDialect, { request, response, path, route: { query } });
      case '/v1/messages':
        return serveChat(context, anthropicDialect, { request, response, path, route: { query } });
      case '/v1/embeddings':
        return serveEmbeddings(context, openaiDialect, { request, response, path, route: { query } });
      case '/v1/audio/speech':
        return serveSpeech(context, { request, response, path, route: { query } });
    }
    const gemini = GEMINI_PATH.exec(path);
    if (gemini !== null) {
      const incoming = { request, response, path, route: { query, model: decodeURIComponent(gemini[1]), stream: gemini[2] === 'streamGenerateContent' } };
      return gemini[2] === 'batchEmbedContents' ? serveEmbeddings(context, geminiDialect, incoming) : serveChat(context, geminiDialect, incoming);
    }
  }
  if (request.method === 'GET' && path === '/v1/models') {
    return listModels(context, request, response);
  }
  if (path.startsWith('/_control/')) return serveControl(context, resetAll, path, request, response);
  const dialect = path.startsWith('/v1beta/') ? geminiDialect : openaiDialect;
  sendJson(response, 404, dialect.errorBody(404, `Invalid URL (${request.method ?? 'GET'} ${path})`));
}

function listModels(context: SimulatorContext, request: IncomingMessage, response: ServerResponse): void {
  if (context.apiKey !== undefined && !openaiDialect.authorised(request.headers, { query: '' }, context.apiKey)) {
    return sendJson(response, 401, openaiDialect.errorBody(401));
  }
  sendJson(response, 200, renderModelList(context.behaviours.names()));
}

function sendJson(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** A bug in the simulator must not take the test process down; answer 500 if still possible. */
function failInternally(response: ServerResponse, error: unknown): void {
  if (response.headersSent || response.destroyed) {
    response.destroy();
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  sendJson(response, 500, JSON.stringify({ error: { message: `Simulator error: ${message}`, type: 'server_error' } }));
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
