/**
 * Chaos helpers: a harness per scenario (its own deployments, so its routes' breaker policies
 * apply), the official clients with a request id chosen by the test on every request, and
 * checks that every request sent has exactly one ledger row and what each client received.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { expect } from 'vitest';
import type { LedgerEntry } from '../../src/ledger';
import type { ModelBehaviour } from '../../src/simulator';
import { seededRandom, startHarness, type Harness } from '../support/harness';

/** A deployment of a scenario; its simulator model is its id unless `model` says otherwise. */
export interface ChaosDeployment {
  model?: string;
  provider?: string;
  contextWindow?: number;
  pricing?: { input: number; output: number };
}

export interface ChaosOptions {
  deployments: Record<string, ChaosDeployment>;
  routes: Record<string, unknown>;
  /** Upstream behaviours by simulator model name. */
  models?: Record<string, ModelBehaviour>;
  providers?: Record<string, unknown>;
  /** Seed of the simulator's random source (fault and latency draws). */
  seed?: number;
  /** Active health checks; off when absent. */
  healthChecks?: { enabled: boolean; intervalMs: number; timeoutMs?: number };
}

/** What one client call ended with. `error` is set when the client raised. */
export interface CallResult {
  id: string;
  text: string;
  headers?: Headers;
  /** OpenAI finish_reason or Anthropic stop_reason, when the answer had one. */
  finish?: string | null;
  /** The token counts the stream reported (OpenAI's usage chunk; Anthropic's message_start, then message_delta). */
  usage?: { input: number; output: number };
  error?: unknown;
}

export interface Chaos {
  harness: Harness;
  openai: OpenAI;
  anthropic: Anthropic;
  /** Every request id sent so far, in order. */
  readonly sent: string[];
  /** A fresh request id, recorded as sent. */
  nextId(): string;
  /** Requests the simulated model has received since start. */
  upstream(model: string): number;
  /** Requests to the simulated model that the gateway aborted. */
  aborted(model: string): number;
  close(): Promise<void>;
}

const CHAT_CAPABILITIES = ['chat', 'streaming'];
export const hello = [{ role: 'user' as const, content: 'hello' }];

export async function startChaos(options: ChaosOptions): Promise<Chaos> {
  const deployments = Object.fromEntries(
    Object.entries(options.deployments).map(([id, spec]) => [
      id,
      {
        provider: spec.provider ?? 'sim-openai',
        model: spec.model ?? id,
        pricing: spec.pricing ?? { input: 1, output: 2 },
        contextWindow: spec.contextWindow ?? 128_000,
        capabilities: CHAT_CAPABILITIES,
      },
    ]),
  );
  const harness = await startHarness({
    deployments,
    routes: options.routes,
    providers: options.providers,
    models: options.models,
    healthChecks: options.healthChecks,
    random: seededRandom(options.seed ?? 1),
  });
  const sent: string[] = [];
  let serial = 0;
  const stats = () => harness.simulator.stats().byModel;
  return {
    harness,
    openai: new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'caller-key', maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: harness.url, apiKey: 'caller-key', maxRetries: 0 }),
    sent,
    nextId() {
      serial += 1;
      const id = `chaos-${serial}`;
      sent.push(id);
      return id;
    },
    upstream: (model) => stats()[model]?.requests ?? 0,
    aborted: (model) => stats()[model]?.aborted ?? 0,
    close: () => harness.close(),
  };
}

/** Start a scenario, run `body`, and close everything whatever happens. */
export async function withChaos(options: ChaosOptions, body: (chaos: Chaos) => Promise<void>): Promise<void> {
  const chaos = await startChaos(options);
  try {
    await body(chaos);
  } finally {
    await chaos.close();
  }
}

export interface CallOptions {
  content?: string;
  headers?: Record<string, string>;
  maxTokens?: number;
}

/** A non-streamed chat completion through the openai client. */
export async function openaiChat(chaos: Chaos, route: string, options: CallOptions = {}): Promise<CallResult> {
  const id = chaos.nextId();
  try {
    const { data, response } = await chaos.openai.chat.completions
      .create(
        { model: route, messages: [{ role: 'user', content: options.content ?? 'hello' }], ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}) },
        { headers: { 'x-request-id': id, ...options.headers } },
      )
      .withResponse();
    return { id, text: data.choices[0]?.message.content ?? '', headers: response.headers, finish: data.choices[0]?.finish_reason };
  } catch (error) {
    return { id, text: '', error, headers: (error as { headers?: Headers }).headers };
  }
}

/** A streamed chat completion through the openai client; text is what arrived before any error. */
export async function openaiStream(
  chaos: Chaos,
  route: string,
  options: CallOptions & { includeUsage?: boolean; onChunk?: (text: string, abort: () => void) => void } = {},
): Promise<CallResult> {
  const id = chaos.nextId();
  const result: CallResult = { id, text: '' };
  try {
    const usage = options.includeUsage ? { stream_options: { include_usage: true } } : {};
    const { data, response } = await chaos.openai.chat.completions
      .create({ model: route, messages: [{ role: 'user', content: options.content ?? 'hello' }], stream: true, ...usage }, { headers: { 'x-request-id': id, ...options.headers } })
      .withResponse();
    result.headers = response.headers;
    for await (const chunk of data) {
      result.text += chunk.choices[0]?.delta.content ?? '';
      result.finish = chunk.choices[0]?.finish_reason ?? result.finish;
      if (chunk.usage) result.usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
      options.onChunk?.(result.text, () => data.controller.abort());
    }
  } catch (error) {
    result.error = error;
    result.headers ??= (error as { headers?: Headers }).headers;
  }
  return result;
}

/** A non-streamed Anthropic message through the anthropic client. */
export async function anthropicMessage(chaos: Chaos, route: string, options: CallOptions = {}): Promise<CallResult> {
  const id = chaos.nextId();
  try {
    const { data, response } = await chaos.anthropic.messages
      .create({ model: route, max_tokens: options.maxTokens ?? 256, messages: [{ role: 'user', content: options.content ?? 'hello' }] }, { headers: { 'x-request-id': id, ...options.headers } })
      .withResponse();
    const text = data.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    return { id, text, headers: response.headers, finish: data.stop_reason };
  } catch (error) {
    return { id, text: '', error, headers: (error as { headers?: Headers }).headers };
  }
}

/** A streamed Anthropic message; text is what arrived before any error. */
export async function anthropicStream(chaos: Chaos, route: string, options: CallOptions & { onText?: (text: string, abort: () => void) => void } = {}): Promise<CallResult> {
  const id = chaos.nextId();
  const result: CallResult = { id, text: '' };
  try {
    const { data, response } = await chaos.anthropic.messages
      .create(
        { model: route, max_tokens: options.maxTokens ?? 256, messages: [{ role: 'user', content: options.content ?? 'hello' }], stream: true },
        { headers: { 'x-request-id': id, ...options.headers } },
      )
      .withResponse();
    result.headers = response.headers;
    for await (const event of data) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') result.text += event.delta.text;
      if (event.type === 'message_start') result.usage = { input: event.message.usage.input_tokens, output: event.message.usage.output_tokens };
      if (event.type === 'message_delta') {
        result.finish = event.delta.stop_reason;
        result.usage = { input: event.usage.input_tokens ?? result.usage?.input ?? 0, output: event.usage.output_tokens };
      }
      options.onText?.(result.text, () => data.controller.abort());
    }
  } catch (error) {
    result.error = error;
    result.headers ??= (error as { headers?: Headers }).headers;
  }
  return result;
}

/** Run `task` for indices 0..count-1 with at most `concurrency` in flight; results in index order. */
export async function fire<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** Every request sent has exactly one ledger row (matched by request id), and no row is unaccounted for. */
export async function ledgerRows(chaos: Chaos): Promise<Map<string, LedgerEntry>> {
  const rows = await chaos.harness.junction.ledger.query();
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.requestId, (counts.get(row.requestId) ?? 0) + 1);
  expect([...counts.entries()].filter(([, count]) => count !== 1)).toEqual([]);
  expect([...counts.keys()].sort()).toEqual([...chaos.sent].sort());
  return new Map(rows.map((row) => [row.requestId, row]));
}

/** No client saw an error, and every response echoed the request id the client sent. */
export function expectServed(results: CallResult[]): void {
  expect(results.filter((result) => result.error !== undefined).map((result) => `${result.id}: ${String(result.error)}`)).toEqual([]);
  for (const result of results) expect(result.headers?.get('x-request-id')).toBe(result.id);
}

/** The value of one response header over a list of results. */
export function headerOf(results: CallResult[], name: string): Array<string | null | undefined> {
  return results.map((result) => result.headers?.get(name));
}

/** Poll until `check` gives a value (bounded, so a broken build fails instead of hanging). */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 500; i += 1) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Wait until the deployment's breaker (or 429 cool-down) would let the planner try it again. */
export function untilRetryable(chaos: Chaos, deployment: string): Promise<true> {
  return eventually(() => {
    const health = chaos.harness.junction.services.store.snapshot(deployment, Date.now());
    const breakerWaits = health.breaker.status === 'open' && (health.breaker.retryAt ?? 0) > Date.now();
    return !breakerWaits && health.coolingDownUntil === undefined;
  }, `${deployment} to be retryable`);
}

export function breakerOf(chaos: Chaos, deployment: string) {
  return chaos.harness.junction.services.store.snapshot(deployment, Date.now()).breaker;
}

/** A loopback URL where nothing listens: a port bound and released again. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
